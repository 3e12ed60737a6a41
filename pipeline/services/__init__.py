"""Services: what a face (the `tieup` CLI, the DAGs, a web app) asks of tieup, as functions over a connection.

Each function takes an open connection and plain values and returns plain data
(dicts, lists, dataclasses), never text for a terminal: review (list, show, decide),
companies (unresolved, find, add, map), reports (report data, export, digest), feeds
(add, list, enable, sync) and admin (migrate, schema status, roles). Faces import
these modules and never pipeline.store; services call the stages and the store.
"""
