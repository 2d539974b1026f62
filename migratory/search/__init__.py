"""Full-text search behind one interface: Whoosh embedded, PostgreSQL at scale."""
