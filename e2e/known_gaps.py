"""Defects the suite finds and that are not fixed yet, each with its reason. A test consulting this
list fails when the facts change (a gap fixed or a new one), so the list can't go stale."""

# app -> services that run without a healthcheck in the rendered compose file (test_has_healthcheck).
# What is left has no probe that would say more than Docker's own "running", checked against the
# upstream images on 2026-12-02: each reason names what is missing.
NO_HEALTHCHECK = {
    "chatwoot": {"services": ['sidekiq'], "reason":
        "Sidekiq serves no port; the image (ruby alpine) has no redis-cli to read its heartbeat, and "
        "upstream's compose gives it none (chatwoot/chatwoot docker-compose.production.yaml@0214949)"},
    "gatus": {"services": ['app'], "reason":
        "the image is FROM scratch with only the gatus binary (no shell, wget or curl) and gatus has no "
        "health subcommand: nothing inside the container can run a probe"},
    "mautic": {"services": ['cron', 'worker'], "reason":
        "cron and the messenger worker serve no port; upstream's compose gives them none "
        "(mautic/docker-mautic examples/basic/docker-compose.yml@13141b0)"},
    "nextcloud": {"services": ['cron'], "reason":
        "the cron role runs busybox crond and serves no port; upstream's examples give it no healthcheck"},
    "twenty": {"services": ['worker'], "reason":
        "the worker serves no port and twenty's /healthz indicators live in the server; upstream's "
        "compose gives the worker none (twentyhq/twenty packages/twenty-docker/docker-compose.yml@003535f)"},
    "zammad": {"services": ['zammad-scheduler'], "reason":
        "the scheduler serves no port; upstream's compose gives it none "
        "(zammad/zammad-docker-compose docker-compose.yml)"},
}
