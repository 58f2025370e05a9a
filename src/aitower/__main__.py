from aitower.cli import main

main()
