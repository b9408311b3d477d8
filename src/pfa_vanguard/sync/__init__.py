"""The sync worker: keeps `pfa_mirror` equal to PEMS, one organization at a time, in bulk.

Entry points: `service.sync_org` (one sync now), `requests.request_sync` (the API's "run now"),
`worker.SyncWorker` (the scheduler of `pfa worker`), `schedule` (next run, lateness).
"""
