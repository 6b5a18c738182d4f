import sys

from mountscope.cli import main

sys.exit(main())
