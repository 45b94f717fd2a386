/// The PostgreSQL event store.
