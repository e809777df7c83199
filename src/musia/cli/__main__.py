from musia.cli.main import main

main()
