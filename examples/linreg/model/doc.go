// Package model is the public regression problem of the linreg example
// subnet: how a task's bytes name a model, the model's true weights, the
// training samples anyone may draw from it, and the score of a submission.
//
// The evaluator and the miner both import it, so a miner derives exactly
// the task the evaluator will score. It uses the standard library only,
// so it builds for GOOS=wasip1 inside the evaluator and natively in the
// miner.
package model
