//go:build goexperiment.jsonv2

package gateexample_test

const trivyBuilt = true
