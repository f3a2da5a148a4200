"""Sources of the lesson notebooks: one module per lesson exposing NUMBER, FILENAME, TITLE, cells()."""
