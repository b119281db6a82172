from . import test_workflow
from . import test_gates
from . import test_transfer_engine
from . import test_i18n
