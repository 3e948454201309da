"""Git and Mercurial over HTTP and SSH.

One transport-neutral core, shared by every transport (as Dulwich's handlers are by its TCP,
SSH and HTTP servers): ``admission`` (may user U from address A read or write repository R;
locks) and ``push_outcome`` (after a push: journal, summary, lock release, housekeeping).
Its users: ``endpoint`` (smart HTTP: ``git_http``, ``hg_http``) and ``ssh_session`` (run by the
built-in ``ssh_server`` and by OpenSSH's forced command, ``ssh_forced_command``).
"""
