import sys

from civic.console import main

sys.exit(main())
