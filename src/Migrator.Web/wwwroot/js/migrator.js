// Small browser facts the server cannot know. No eval, no inline script: works under a strict CSP.
window.migrator = {
    timeZone: function () {
        try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
    }
};

// The zone is also kept in a cookie, refreshed on every page load, so that the server renders the next page in the
// viewer's time from the start (Migrator.Web.Display.ViewerTimeZone) instead of UTC until the circuit has asked.
(function () {
    var zone = window.migrator.timeZone();
    if (zone && /^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) {
        document.cookie = "migrator-tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
    }
})();

// Blazor starts here (App.razor loads blazor.web.js with autostart="false"; the CSP allows no inline script) with
// enhanced navigation off. With it on, a link followed before the circuit is up was fetched and shown, and then the
// circuit, started for the previous address, rendered the previous page over it: the click was undone
// (EarlyClickTests makes that race certain). Without it, such a click is an ordinary page load; once the circuit is
// up, the interactive router handles links as before.
Blazor.start({ ssr: { disableDomPreservation: true } });
