from . import hr_client_handover_dialog
from . import hr_client_handover_refuse
from . import hr_client_handover_cancel
from . import hr_client_handover_assign
from . import hr_departure_wizard
from . import hr_client_handover_line_reason
from . import base_partner_merge_automatic_wizard
from . import hr_client_handover_everything
