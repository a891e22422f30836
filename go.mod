module pcemu

go 1.26.0

require (
	github.com/google/uuid v1.6.0
	github.com/spf13/pflag v1.1.0
	github.com/veandco/go-sdl2 v0.4.40
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)
