"""nbgrader configuration of the zhiben assessments course root (generated; safe to edit)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "zhiben"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
# Our own autograde writes the gradebook; stock `nbgrader autograde` remains usable for comparison.
c.Execute.timeout = 60
c.ClearSolutions.code_stub = {"python": "# 在此作答"}
