/* htmx settings for the Content-Security-Policy (docs/csp.md), loaded right after htmx (templates/_htmx.html).
   Deferred scripts run before DOMContentLoaded, when htmx reads its configuration.
   - No <style> injected for the request indicator: its rules are in css/portal.css.
   - No code evaluated from attributes (hx-on, js: values, trigger filters): script-src has no 'unsafe-eval'. */
htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
