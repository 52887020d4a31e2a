# The two commands of the README, and a few more.
.PHONY: demo test build clean

# Builds everything (the CLI and the plugin .so files) and runs the demo lab on embedded SQLite.
demo: build
	.build/debug/livinglab demo

# Runs the whole test suite: the SDK package's own tests (it builds alone, without the lab's database), then the
# lab's (which build the plugins first).
test:
	swift test --package-path SDK
	swift test

build:
	swift build

clean:
	rm -rf .build SDK/.build livinglab-demo.sqlite*
