# The two commands of the README, and a few more.
.PHONY: demo test build clean

# Builds everything (the CLI and the plugin .so files) and runs the demo lab on embedded SQLite.
demo: build
	.build/debug/livinglab demo

# Runs the whole test suite (it builds the plugins first).
test:
	swift test

build:
	swift build

clean:
	rm -rf .build livinglab-demo.sqlite*
