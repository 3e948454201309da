"""Prometheus metrics of a vcshub node (``GET /_admin/metrics`` when ``metrics_enabled``).

:mod:`instruments` defines what is measured and the calls the adapters make (a request's kind
and operation, a git/hg operation, an SSH session); :mod:`middleware` counts and times every
HTTP request; :mod:`exposition` collects the figures of every process of the node into one
scrape (prometheus-client's multiprocess mode) and runs the gauge samplers. This package
imports nothing of vcshub but the settings: adapters use it, it uses none of them.
"""
