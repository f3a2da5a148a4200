"""Sources of the lesson notebooks: one module per lesson exposing NUMBER, FILENAME, TITLE, cells().

No public names: ``lessons.build`` reads the lesson modules by name (``LESSON_MODULES``)."""

__all__: list[str] = []
