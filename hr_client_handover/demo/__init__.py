from . import hr_client_handover_demo
