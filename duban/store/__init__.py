"""Storage: a small protocol (:mod:`duban.store.base`) and its implementations — SQLite
built in and the default, PostgreSQL when several workers share the load."""
