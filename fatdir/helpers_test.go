package fatdir

import (
	"io/fs"

	"pcemu/fat"
)

func fsReadFile(v *fat.FS, name string) ([]byte, error) { return fs.ReadFile(v, name) }
