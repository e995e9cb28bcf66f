// Command trots tells an organisation, department by department, whether its
// people are ready to become employer-brand ambassadors - or whether the
// employee experience must be fixed first.
//
// One binary; its subcommands (serve, demo, analyze, report, audit, backup,
// retention, settings, user, version) live in internal/cli.
package main

import "trots/internal/cli"

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() { cli.Main(version) }
