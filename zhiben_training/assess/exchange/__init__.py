"""Exchange: a round's per-trainee variants generated into the course root and released (offline zip
or the personalised nbgrader exchange on the hub), the exam window with its extensions, and the
collection of returned papers with a receipt each."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "candidates": ["read_trainee_list", "roster_trainees"],
    "handin": ["collect", "pack_handin", "receipts"],
    "nbgrader_exchange": ["COURSE_ID", "EXCHANGE_CONFIG", "grant_variant", "outbound_dir", "receipt_name",
                          "release_to_exchange"],
    "pods": ["POD_INBOUND", "PodHandin", "gather_pod_handins", "pod_inbound_dir"],
    "variants": ["TRAINEE_DISABLED", "TRAINEE_LAB_SETTINGS", "assignment_info", "generate", "lab_plugin_dir",
                 "load_keys", "release", "variant_dir", "variant_trainees"],
    "window": ["LATE_POLICIES", "beijing", "extend", "load_window", "log_event", "login_refusal",
               "set_window"],
})
