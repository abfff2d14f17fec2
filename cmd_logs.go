package main

import (
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/logging"
)

// mediatorLog re-reads the mediator configuration at path for its log settings.
func mediatorLog(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := mediator.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}

// armLog re-reads the ARM configuration at path for its log settings.
func armLog(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := arm.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}
