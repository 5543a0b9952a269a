from endpoint.cli import main

raise SystemExit(main())
