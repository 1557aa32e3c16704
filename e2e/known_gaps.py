"""Defects the suite finds and that are not fixed yet, each with its reason. A test consulting this
list fails when the facts change (a gap fixed or a new one), so the list can't go stale."""

# app -> services that run without a healthcheck in the rendered compose file (found by
# test_has_healthcheck on 2026-12-02). Each needs a command that works in the REAL image (which of
# curl/wget/the app's own CLI it ships) and an endpoint upstream documents; not yet researched.
_REASON = "no healthcheck in the template yet (needs a command the real image ships; issue 9)"

NO_HEALTHCHECK = {
    "activepieces": {"services": ['app'], "reason": _REASON},
    "chatwoot": {"services": ['app', 'sidekiq'], "reason": _REASON},
    "easy-appointments": {"services": ['app'], "reason": _REASON},
    "forgejo": {"services": ['app'], "reason": _REASON},
    "gatus": {"services": ['app'], "reason": _REASON},
    "ghost": {"services": ['app'], "reason": _REASON},
    "keila": {"services": ['app'], "reason": _REASON},
    "matomo": {"services": ['app'], "reason": _REASON},
    "mautic": {"services": ['cron', 'worker'], "reason": _REASON},
    "n8n": {"services": ['app', 'runner'], "reason": _REASON},
    "nextcloud": {"services": ['app', 'cron'], "reason": _REASON},
    "nodebb": {"services": ['app'], "reason": _REASON},
    "owncast": {"services": ['app'], "reason": _REASON},
    "peertube": {"services": ['app'], "reason": _REASON},
    "plausible": {"services": ['app'], "reason": _REASON},
    "prestashop": {"services": ['app'], "reason": _REASON},
    "rocketchat": {"services": ['app'], "reason": _REASON},
    "saleor": {"services": ['app', 'dashboard', 'worker'], "reason": _REASON},
    "twenty": {"services": ['worker'], "reason": _REASON},
    "zammad": {"services": ['zammad-scheduler', 'zammad-websocket'], "reason": _REASON},
}
