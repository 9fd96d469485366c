from rarevar.cli import main

raise SystemExit(main())
