//go:build nosdl

package sdl

import (
	"context"
	"strings"
	"testing"
)

func TestNotBuilt(t *testing.T) {
	if Built {
		t.Fatal("Built is true in a nosdl build")
	}
	err := Run(context.Background(), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "pcemu was built without SDL (-tags nosdl)") {
		t.Errorf("Run: %v", err)
	}
}
