/// Declarative jobs.
