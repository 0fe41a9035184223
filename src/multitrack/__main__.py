"""``python -m multitrack`` runs the command line."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the imports load: stop quietly, as main() would
    sys.exit(130)

if __name__ == "__main__":
    main()
