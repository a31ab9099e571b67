"""The browser-side size guard every upload widget uses.

A file over the limit is passed on as its size only (no contents), so any size gets a message;
dcc.Upload's own max_size/accept would drop such files without a word.
"""

from __future__ import annotations


def upload_guard_js(max_bytes: int) -> str:
    """Clientside callback: (contents, filename) -> {filename, contents} or {filename, size}."""
    return f"""
function(contents, filename) {{
    if (!contents) {{ return window.dash_clientside.no_update; }}
    const payload = contents.split(",")[1] || "";
    const pad = payload.endsWith("==") ? 2 : (payload.endsWith("=") ? 1 : 0);
    const size = Math.floor(payload.length * 3 / 4) - pad;
    if (size > {max_bytes}) {{ return {{filename: filename, size_bytes: size}}; }}
    return {{filename: filename, contents: contents}};
}}
"""
