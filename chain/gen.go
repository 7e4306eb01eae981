package chain

// The contract is compiled with the solc pinned in contracts/package.json
// (run `npm ci` in contracts/ once), and its Go bindings generated from the
// result. TestGeneratedFilesUpToDate checks the committed files.
//
//go:generate node contracts/compile.js contracts/Crucible.sol Crucible contracts
//go:generate go run ./internal/bindgen contracts/Crucible.abi contracts/Crucible.bin internal/contract/crucible.go
