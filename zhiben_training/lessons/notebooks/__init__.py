"""Sources of the lesson notebooks: one module per lesson exposing NUMBER, FILENAME, TITLE, cells().

The face is the lesson modules themselves (lazy), in course order; ``lessons.build`` renders them."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submodules=[
    "lesson01", "lesson02", "lesson03", "lesson04", "lesson05", "lesson06", "lesson07", "practice",
])
