"""Defects the suite finds and that are not fixed yet, each with its reason. A test consulting this
list fails when the facts change (a gap fixed or a new one), so the list can't go stale."""

# app -> services that run without a healthcheck in the rendered compose file.
NO_HEALTHCHECK = {
}
