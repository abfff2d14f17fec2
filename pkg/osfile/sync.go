package osfile

import (
	"fmt"
	"os"
)

func wrapSync(f *os.File, err error) error {
	if err != nil {
		return fmt.Errorf("sync %s: %w", f.Name(), err)
	}
	return nil
}
