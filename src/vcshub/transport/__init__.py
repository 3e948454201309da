"""Git and Mercurial over HTTP: authentication, permission and lock checks, then streaming."""
