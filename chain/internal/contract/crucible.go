// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contract

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// CrucibleNeuron is an auto generated low-level Go binding around an user-defined struct.
type CrucibleNeuron struct {
	Account      common.Address
	PeerID       []byte
	Stake        *big.Int
	RegisteredAt uint64
	Active       bool
}

// CrucibleSubnetInfo is an auto generated low-level Go binding around an user-defined struct.
type CrucibleSubnetInfo struct {
	Owner       common.Address
	ManifestCID string
	Tempo       uint32
	Start       uint64
	Params      CrucibleSubnetParams
	NeuronCount uint32
}

// CrucibleSubnetParams is an auto generated low-level Go binding around an user-defined struct.
type CrucibleSubnetParams struct {
	MinStake       *big.Int
	AnchorMinStake *big.Int
	UnstakeDelay   uint64
	MaxNeurons     uint32
}

// CrucibleWithdrawal is an auto generated low-level Go binding around an user-defined struct.
type CrucibleWithdrawal struct {
	Amount      *big.Int
	UnlockBlock uint64
}

// CrucibleMetaData contains all meta data concerning the Crucible contract.
var CrucibleMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"}],\"name\":\"AlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"anchorMinStake\",\"type\":\"uint256\"}],\"name\":\"AnchorStakeTooLow\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyManifest\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"currentEpoch\",\"type\":\"uint64\"}],\"name\":\"EpochNotOver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"requested\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"InsufficientStake\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"InvalidPeerID\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"}],\"name\":\"InvalidTempo\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"unstakeDelay\",\"type\":\"uint64\"}],\"name\":\"InvalidUnstakeDelay\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NotRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"}],\"name\":\"StakeTooLow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"currentBlock\",\"type\":\"uint64\"}],\"name\":\"StillLocked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"name\":\"SubnetFull\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"UnknownSubnet\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"}],\"name\":\"Anchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"}],\"name\":\"Conflict\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"}],\"name\":\"ManifestUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"Registered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"StakeAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"start\",\"type\":\"uint64\"}],\"name\":\"SubnetCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"}],\"name\":\"UnstakeRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"addStake\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"}],\"name\":\"anchor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"anchorOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"anchorMinStake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unstakeDelay\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetParams\",\"name\":\"params\",\"type\":\"tuple\"}],\"name\":\"createSubnet\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"id\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"currentEpoch\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deployBlock\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"start\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"neuronsPage\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"internalType\":\"structCrucible.Neuron[]\",\"name\":\"page\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"}],\"name\":\"register\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"}],\"name\":\"setManifest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"subnetCount\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"id\",\"type\":\"uint64\"}],\"name\":\"subnetInfo\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"start\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"anchorMinStake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unstakeDelay\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetParams\",\"name\":\"params\",\"type\":\"tuple\"},{\"internalType\":\"uint32\",\"name\":\"neuronCount\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"uidOf\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"},{\"internalType\":\"bool\",\"name\":\"registered\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"unstake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"withdrawal\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"}],\"internalType\":\"structCrucible.Withdrawal\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Crucible",
	Bin: "0x60a0604052348015600e575f5ffd5b506001600160401b034316608052608051611ea16100345f395f6102380152611ea15ff3fe6080604052600436106100e4575f3560e01c8063986ac18a11610087578063d0cc7fae11610057578063d0cc7fae146102d4578063dc1ae365146102f3578063e63d43be1461032e578063eed159e81461034d575f5ffd5b8063986ac18a14610208578063a3ec191a14610227578063abae8a061461025a578063c631b41214610282575f5ffd5b806359c96627116100c257806359c9662714610151578063750f0acc1461019457806386504a8f146101b3578063916a5c5b146101ea575f5ffd5b8063224de6d5146100e85780632accf94e146100fd578063316b762214610132575b5f5ffd5b6100fb6100f6366004611686565b610379565b005b348015610108575f5ffd5b5061011c6101173660046116b2565b610404565b6040516101299190611728565b60405180910390f35b34801561013d575f5ffd5b506100fb61014c366004611813565b61061e565b34801561015c575f5ffd5b5061017061016b366004611863565b6106dc565b60408051825181526020928301516001600160401b03169281019290925201610129565b34801561019f575f5ffd5b506100fb6101ae366004611686565b610733565b3480156101be575f5ffd5b506101d26101cd366004611686565b6108a2565b6040516001600160401b039091168152602001610129565b3480156101f5575f5ffd5b505f546101d2906001600160401b031681565b348015610213575f5ffd5b506101d26102223660046118a5565b6108e4565b348015610232575f5ffd5b506101d27f000000000000000000000000000000000000000000000000000000000000000081565b61026d610268366004611813565b610a97565b60405163ffffffff9091168152602001610129565b34801561028d575f5ffd5b506102c661029c36600461190f565b6001600160401b039182165f90815260046020908152604080832093909416825291909152205490565b604051908152602001610129565b3480156102df575f5ffd5b506100fb6102ee36600461193b565b610ef9565b3480156102fe575f5ffd5b5061031261030d366004611863565b6110df565b6040805163ffffffff9093168352901515602083015201610129565b348015610339575f5ffd5b506100fb610348366004611965565b61111b565b348015610358575f5ffd5b5061036c610367366004611686565b611347565b60405161012991906119a8565b5f5f6103858333611496565b9150915034826002015f82825461039c9190611a6b565b925050819055506103b38333838560020154611522565b600282015460408051348152602081019290925233916001600160401b038616917f74ee3feb47e144ec0b2e1a6d73c773595f8989034fd5231ed09a00e5b0b51d56910160405180910390a3505050565b60605f61041085611599565b60050190505f61042963ffffffff808616908716611a6b565b8254909150811115610439575080545b808563ffffffff161061044d575050610617565b61045d63ffffffff861682611a7e565b6001600160401b0381111561047457610474611a91565b6040519080825280602002602001820160405280156104cb57816020015b6040805160a0810182525f808252606060208084018290529383018290528201819052608082015282525f199092019101816104925790505b50925063ffffffff85165b81811015610613578281815481106104f0576104f0611aa5565b5f9182526020918290206040805160a0810190915260049092020180546001600160a01b03168252600181018054929391929184019161052f90611ab9565b80601f016020809104026020016040519081016040528092919081815260200182805461055b90611ab9565b80156105a65780601f1061057d576101008083540402835291602001916105a6565b820191905f5260205f20905b81548152906001019060200180831161058957829003601f168201915b5050509183525050600282015460208201526003909101546001600160401b0381166040830152600160401b900460ff161515606090910152846105f063ffffffff891684611a7e565b8151811061060057610600611aa5565b60209081029190910101526001016104d6565b5050505b9392505050565b5f61062884611599565b80549091506001600160a01b03163314610662578333604051634b9d219f60e01b8152600401610659929190611af1565b60405180910390fd5b5f8290036106835760405163d9313d2960e01b815260040160405180910390fd5b60048101610692838583611b6a565b50836001600160401b03167fd6141f0d013c826ca6c86412888e9576de731c6e22c3bd921870c009e9237ccb84846040516106ce929190611c4b565b60405180910390a250505050565b6040805180820182525f80825260209182018190526001600160401b038581168252600383528382206001600160a01b03861683528352908390208351808501909452805484526001015416908201525b92915050565b6001600160401b0381165f90815260036020908152604080832033845290915281208054909181900361077c57823360405162b1073b60e71b8152600401610659929190611af1565b60018201546001600160401b03164310156107c457600182015460405163fd6bebf760e01b81526001600160401b039182166004820152439091166024820152604401610659565b6001600160401b0383165f908152600360209081526040808320338085529252808320838155600101805467ffffffffffffffff191690555183908381818185875af1925050503d805f8114610835576040519150601f19603f3d011682016040523d82523d5f602084013e61083a565b606091505b505090508061085c576040516312171d8360e31b815260040160405180910390fd5b60405182815233906001600160401b038616907f0ff23c4cdc2733f56d8f04d7a351c4332a1cd3334287ed5b2e9c6a28da9d35339060200160405180910390a350505050565b5f5f6108ad83611599565b8054909150600160a01b810463ffffffff16906108da90600160c01b90046001600160401b031643611c66565b6106179190611c85565b5f8263ffffffff165f036109135760405163823f024960e01b815263ffffffff84166004820152602401610659565b5f8490036109345760405163d9313d2960e01b815260040160405180910390fd5b63ffffffff6109496060840160408501611686565b6001600160401b0316111561098d576109686060830160408401611686565b6040516311ad796d60e21b81526001600160401b039091166004820152602401610659565b5f80546001600160401b031690806109a483611cbe565b82546101009290920a6001600160401b038181021990931691831602179091558181165f90815260016020819052604090912080546001600160c01b0319163363ffffffff60a01b191617600160a01b63ffffffff891602176001600160c01b0316600160c01b43909416939093029290921782559192509083908201610a2b8282611ce8565b505060048101610a3c868883611b6a565b50336001600160a01b0316826001600160401b03167f8095e6378a38fe3c21c0c05ea0c828d62d63d4ef1eeee814a958f6b75c1aa00a88888843604051610a869493929190611d4b565b60405180910390a350949350505050565b5f5f610aa285611599565b9050821580610ab15750604083115b15610ad257604051634fe5d2e160e01b815260048101849052602401610659565b6001810154341015610b0657600181015460405163829f116360e01b81523460048201526024810191909152604401610659565b6001600160401b0385165f9081526002602090815260408083203384529091529020548015610b69576040516357f830f760e11b81526001600160401b038716600482015233602482015263ffffffff608083901c166044820152606401610659565b5f6040518060a00160405280336001600160a01b0316815260200187878080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152505050908252503460208201526001600160401b0343166040820152600160609091015260068401549091508015610d195760068401610bf6600183611a7e565b81548110610c0657610c06611aa5565b905f5260205f2090600891828204019190066004029054906101000a900463ffffffff16945083600601805480610c3f57610c3f611d84565b600190038181905f5260205f2090600891828204019190066004026101000a81549063ffffffff0219169055905581846005018663ffffffff1681548110610c8957610c89611aa5565b5f91825260209182902083516004929092020180546001600160a01b0319166001600160a01b03909216919091178155908201516001820190610ccc9082611d98565b50604082015160028201556060820151600390910180546080909301511515600160401b0268ffffffffffffffffff199093166001600160401b0390921691909117919091179055610e2e565b6003840154600160401b900463ffffffff1615801590610d4f575060038401546005850154600160401b90910463ffffffff1611155b15610d9057600384015460405163f536489d60e01b81526001600160401b038a166004820152600160401b90910463ffffffff166024820152604401610659565b600584018054600180820183555f92835260209283902085516004840290910180546001600160a01b0319166001600160a01b039092169190911781559285015191975084929190820190610de59082611d98565b50604082015160028201556060820151600390910180546080909301511515600160401b0268ffffffffffffffffff199093166001600160401b03909216919091179190911790555b8354600285015463ffffffff60801b608088901b1663ffffffff60401b600160a01b840460401b16176001600160401b03600160c01b9093049290921691909117600160ff1b1793503410610e8757600160fe1b831792505b6001600160401b0388165f8181526002602090815260408083203380855292529182902086905590519091907ff2edf6a22a513e66b4860aa1aa93575dd89786a28760db558b2134334977988890610ee69089908c908c903490611e52565b60405180910390a3505050509392505050565b5f5f610f058433611496565b915091508160020154831180610f27575082158015610f275750600282015415155b15610f555760028201546040516322df051360e11b8152610659918591600401918252602082015260400190565b82826002015f828254610f689190611a7e565b90915550506001600160401b0384165f908152600160205260408120600284015490910361100c5760038301805468ff0000000000000000191690556001600160401b0385165f9081526002602090815260408083203384528252822082905560068301805460018101825590835291206008820401805460079092166004026101000a63ffffffff81810219909316608086901c9093160291909117905561101c565b61101c8533848660020154611522565b83156110d8576001600160401b0385165f9081526003602090815260408083203384529091528120805490918691839190611058908490611a6b565b90915550506003820154611075906001600160401b031643611e82565b60018201805467ffffffffffffffff19166001600160401b0392831690811790915560408051888152602081019290925233928916917fc7257c4b2acedbaa4462c7b84cb0ab14924a3ebf1f0db945b6276c47bd9ae1f2910160405180910390a3505b5050505050565b6001600160401b0382165f9081526002602090815260408083206001600160a01b0385168452909152902054608081901c9015155b9250929050565b6001600160401b0384165f90815260026020908152604080832033845290915281205490600160fe1b821690036111b457805f03611170578433604051633ddf81fd60e01b8152600401610659929190611af1565b6001600160401b0385165f818152600160205260409081902060020154905163d48cd56f60e01b815260048101929092523360248301526044820152606401610659565b5f63ffffffff604083901c166111ca8343611c66565b6111d49190611c85565b9050806001600160401b0316856001600160401b0316106112235760405163dae25a8760e01b81526001600160401b038088166004830152808716602483015282166044820152606401610659565b5f8490036112445760405163b263ae7360e01b815260040160405180910390fd5b6001600160401b038087165f908152600460209081526040808320938916835292905290812054908190036112df576001600160401b038781165f818152600460209081526040808320948b16808452948252918290208990558151898152908101889052338183015290517f1c46e26ecd49ab0517495a04cc125132b40eb87af8944f7ebe57cb4ae5a3edd39181900360600190a361133e565b84811461133e5760408051828152602081018790529081018590523360608201526001600160401b0380881691908916907fc2bdeb16b47cdcaff8a452b3a446c3b398e4cb5a3077823b5aed66e21cd2fe3e9060800160405180910390a35b50505050505050565b61134f6115f1565b5f61135983611599565b6040805160c0810190915281546001600160a01b03168152600482018054929350909160208301919061138b90611ab9565b80601f01602080910402602001604051908101604052809291908181526020018280546113b790611ab9565b80156114025780601f106113d957610100808354040283529160200191611402565b820191905f5260205f20905b8154815290600101906020018083116113e557829003601f168201915b50505091835250508254600160a01b810463ffffffff908116602080850191909152600160c01b9092046001600160401b0390811660408086019190915280516080808201835260018901548252600289015495820195909552600388015492831691810191909152600160401b909104821660608083019190915284015260059094015490931692019190915292915050565b6001600160401b0382165f9081526002602090815260408083206001600160a01b03851684529091528120548082036114e6578383604051633ddf81fd60e01b8152600401610659929190611af1565b6114ef84611599565b600501608082901c63ffffffff168154811061150d5761150d611aa5565b905f5260205f20906004020191509250929050565b6001600160401b0384165f90815260016020526040812060020154821015611553576001600360fe1b03831661155b565b600160fe1b83175b90508281146110d8576001600160401b0385165f9081526002602090815260408083206001600160a01b038816845290915290208190555050505050565b6001600160401b0381165f90815260016020526040812080549091600160a01b90910463ffffffff1690036115ec576040516342a36e6160e11b81526001600160401b0383166004820152602401610659565b919050565b6040518060c001604052805f6001600160a01b03168152602001606081526020015f63ffffffff1681526020015f6001600160401b0316815260200161166360405180608001604052805f81526020015f81526020015f6001600160401b031681526020015f63ffffffff1681525090565b81525f60209091015290565b6001600160401b0381168114611683575f5ffd5b50565b5f60208284031215611696575f5ffd5b81356106178161166f565b63ffffffff81168114611683575f5ffd5b5f5f5f606084860312156116c4575f5ffd5b83356116cf8161166f565b925060208401356116df816116a1565b915060408401356116ef816116a1565b809150509250925092565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b828110156117ca57868503603f19018452815180516001600160a01b0316865260208082015160a091880182905290611789908801826116fa565b604083810151908901526060808401516001600160401b0316908901526080928301511515929097019190915250602093840193919091019060010161174e565b50929695505050505050565b5f5f83601f8401126117e6575f5ffd5b5081356001600160401b038111156117fc575f5ffd5b602083019150836020828501011115611114575f5ffd5b5f5f5f60408486031215611825575f5ffd5b83356118308161166f565b925060208401356001600160401b0381111561184a575f5ffd5b611856868287016117d6565b9497909650939450505050565b5f5f60408385031215611874575f5ffd5b823561187f8161166f565b915060208301356001600160a01b038116811461189a575f5ffd5b809150509250929050565b5f5f5f5f84860360c08112156118b9575f5ffd5b85356001600160401b038111156118ce575f5ffd5b6118da888289016117d6565b90965094505060208601356118ee816116a1565b92506080603f1982011215611901575f5ffd5b509295919450926040019150565b5f5f60408385031215611920575f5ffd5b823561192b8161166f565b9150602083013561189a8161166f565b5f5f6040838503121561194c575f5ffd5b82356119578161166f565b946020939093013593505050565b5f5f5f5f60808587031215611978575f5ffd5b84356119838161166f565b935060208501356119938161166f565b93969395505050506040820135916060013590565b602080825282516001600160a01b03168282015282015161012060408301525f906119d76101408401826116fa565b905063ffffffff60408501511660608401526001600160401b0360608501511660808401526080840151805160a0850152602081015160c08501526001600160401b0360408201511660e085015263ffffffff6060820151166101008501525060a0840151611a4f61012085018263ffffffff169052565b509392505050565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561072d5761072d611a57565b8181038181111561072d5761072d611a57565b634e487b7160e01b5f52604160045260245ffd5b634e487b7160e01b5f52603260045260245ffd5b600181811c90821680611acd57607f821691505b602082108103611aeb57634e487b7160e01b5f52602260045260245ffd5b50919050565b6001600160401b039290921682526001600160a01b0316602082015260400190565b601f821115611b655782821115611b6557805f5260205f20601f840160051c6020851015611b3e57505f5b90810190601f840160051c035f5b81811015611b61575f83820155600101611b4c565b5050505b505050565b6001600160401b03831115611b8157611b81611a91565b611b9583611b8f8354611ab9565b83611b13565b5f601f841160018114611bc6575f8515611baf5750838201355b5f19600387901b1c1916600186901b1783556110d8565b5f83815260208120601f198716915b82811015611bf55786850135825560209485019460019092019101611bd5565b5086821015611c11575f1960f88860031b161c19848701351681555b505060018560011b0183555050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b602081525f611c5e602083018486611c23565b949350505050565b6001600160401b03828116828216039081111561072d5761072d611a57565b5f6001600160401b03831680611ca957634e487b7160e01b5f52601260045260245ffd5b806001600160401b0384160491505092915050565b5f6001600160401b0382166001600160401b038103611cdf57611cdf611a57565b60010192915050565b8135815560208201356001820155600281016040830135611d088161166f565b81546060850135611d18816116a1565b63ffffffff60401b8160401b166001600160401b0384166bffffffffffffffffffffffff19841617178455505050505050565b606081525f611d5e606083018688611c23565b905063ffffffff841660208301526001600160401b038316604083015295945050505050565b634e487b7160e01b5f52603160045260245ffd5b81516001600160401b03811115611db157611db1611a91565b611dc581611dbf8454611ab9565b84611b13565b6020601f821160018114611df7575f8315611de05750848201515b5f19600385901b1c1916600184901b1784556110d8565b5f84815260208120601f198516915b82811015611e265787850151825560209485019460019092019101611e06565b5084821015611e4357868401515f19600387901b60f8161c191681555b50505050600190811b01905550565b63ffffffff85168152606060208201525f611e71606083018587611c23565b905082604083015295945050505050565b6001600160401b03818116838216019081111561072d5761072d611a5756",
}

// Crucible is an auto generated Go binding around an Ethereum contract.
type Crucible struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Crucible) GetABI() abi.ABI {
	return c.abi
}

// NewCrucible creates a new instance of Crucible.
func NewCrucible() *Crucible {
	parsed, err := CrucibleMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Crucible{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Crucible) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAddStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x224de6d5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addStake(uint64 subnet) payable returns()
func (crucible *Crucible) PackAddStake(subnet uint64) []byte {
	enc, err := crucible.abi.Pack("addStake", subnet)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x224de6d5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addStake(uint64 subnet) payable returns()
func (crucible *Crucible) TryPackAddStake(subnet uint64) ([]byte, error) {
	return crucible.abi.Pack("addStake", subnet)
}

// PackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe63d43be.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchor(uint64 subnet, uint64 epoch, bytes32 root, bytes32 recordDigest) returns()
func (crucible *Crucible) PackAnchor(subnet uint64, epoch uint64, root [32]byte, recordDigest [32]byte) []byte {
	enc, err := crucible.abi.Pack("anchor", subnet, epoch, root, recordDigest)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe63d43be.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchor(uint64 subnet, uint64 epoch, bytes32 root, bytes32 recordDigest) returns()
func (crucible *Crucible) TryPackAnchor(subnet uint64, epoch uint64, root [32]byte, recordDigest [32]byte) ([]byte, error) {
	return crucible.abi.Pack("anchor", subnet, epoch, root, recordDigest)
}

// PackAnchorOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc631b412.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchorOf(uint64 subnet, uint64 epoch) view returns(bytes32)
func (crucible *Crucible) PackAnchorOf(subnet uint64, epoch uint64) []byte {
	enc, err := crucible.abi.Pack("anchorOf", subnet, epoch)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchorOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc631b412.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchorOf(uint64 subnet, uint64 epoch) view returns(bytes32)
func (crucible *Crucible) TryPackAnchorOf(subnet uint64, epoch uint64) ([]byte, error) {
	return crucible.abi.Pack("anchorOf", subnet, epoch)
}

// UnpackAnchorOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc631b412.
//
// Solidity: function anchorOf(uint64 subnet, uint64 epoch) view returns(bytes32)
func (crucible *Crucible) UnpackAnchorOf(data []byte) ([32]byte, error) {
	out, err := crucible.abi.Unpack("anchorOf", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackCreateSubnet is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x986ac18a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint256,uint64,uint32) params) returns(uint64 id)
func (crucible *Crucible) PackCreateSubnet(manifestCID string, tempo uint32, params CrucibleSubnetParams) []byte {
	enc, err := crucible.abi.Pack("createSubnet", manifestCID, tempo, params)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateSubnet is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x986ac18a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint256,uint64,uint32) params) returns(uint64 id)
func (crucible *Crucible) TryPackCreateSubnet(manifestCID string, tempo uint32, params CrucibleSubnetParams) ([]byte, error) {
	return crucible.abi.Pack("createSubnet", manifestCID, tempo, params)
}

// UnpackCreateSubnet is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x986ac18a.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint256,uint64,uint32) params) returns(uint64 id)
func (crucible *Crucible) UnpackCreateSubnet(data []byte) (uint64, error) {
	out, err := crucible.abi.Unpack("createSubnet", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackCurrentEpoch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86504a8f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentEpoch(uint64 subnet) view returns(uint64)
func (crucible *Crucible) PackCurrentEpoch(subnet uint64) []byte {
	enc, err := crucible.abi.Pack("currentEpoch", subnet)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentEpoch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86504a8f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentEpoch(uint64 subnet) view returns(uint64)
func (crucible *Crucible) TryPackCurrentEpoch(subnet uint64) ([]byte, error) {
	return crucible.abi.Pack("currentEpoch", subnet)
}

// UnpackCurrentEpoch is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x86504a8f.
//
// Solidity: function currentEpoch(uint64 subnet) view returns(uint64)
func (crucible *Crucible) UnpackCurrentEpoch(data []byte) (uint64, error) {
	out, err := crucible.abi.Unpack("currentEpoch", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackDeployBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa3ec191a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deployBlock() view returns(uint64)
func (crucible *Crucible) PackDeployBlock() []byte {
	enc, err := crucible.abi.Pack("deployBlock")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeployBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa3ec191a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deployBlock() view returns(uint64)
func (crucible *Crucible) TryPackDeployBlock() ([]byte, error) {
	return crucible.abi.Pack("deployBlock")
}

// UnpackDeployBlock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa3ec191a.
//
// Solidity: function deployBlock() view returns(uint64)
func (crucible *Crucible) UnpackDeployBlock(data []byte) (uint64, error) {
	out, err := crucible.abi.Unpack("deployBlock", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackNeuronsPage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2accf94e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function neuronsPage(uint64 subnet, uint32 start, uint32 count) view returns((address,bytes,uint256,uint64,bool)[] page)
func (crucible *Crucible) PackNeuronsPage(subnet uint64, start uint32, count uint32) []byte {
	enc, err := crucible.abi.Pack("neuronsPage", subnet, start, count)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNeuronsPage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2accf94e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function neuronsPage(uint64 subnet, uint32 start, uint32 count) view returns((address,bytes,uint256,uint64,bool)[] page)
func (crucible *Crucible) TryPackNeuronsPage(subnet uint64, start uint32, count uint32) ([]byte, error) {
	return crucible.abi.Pack("neuronsPage", subnet, start, count)
}

// UnpackNeuronsPage is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2accf94e.
//
// Solidity: function neuronsPage(uint64 subnet, uint32 start, uint32 count) view returns((address,bytes,uint256,uint64,bool)[] page)
func (crucible *Crucible) UnpackNeuronsPage(data []byte) ([]CrucibleNeuron, error) {
	out, err := crucible.abi.Unpack("neuronsPage", data)
	if err != nil {
		return *new([]CrucibleNeuron), err
	}
	out0 := *abi.ConvertType(out[0], new([]CrucibleNeuron)).(*[]CrucibleNeuron)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xabae8a06.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register(uint64 subnet, bytes peerID) payable returns(uint32 uid)
func (crucible *Crucible) PackRegister(subnet uint64, peerID []byte) []byte {
	enc, err := crucible.abi.Pack("register", subnet, peerID)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xabae8a06.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register(uint64 subnet, bytes peerID) payable returns(uint32 uid)
func (crucible *Crucible) TryPackRegister(subnet uint64, peerID []byte) ([]byte, error) {
	return crucible.abi.Pack("register", subnet, peerID)
}

// UnpackRegister is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xabae8a06.
//
// Solidity: function register(uint64 subnet, bytes peerID) payable returns(uint32 uid)
func (crucible *Crucible) UnpackRegister(data []byte) (uint32, error) {
	out, err := crucible.abi.Unpack("register", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackSetManifest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x316b7622.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setManifest(uint64 subnet, string manifestCID) returns()
func (crucible *Crucible) PackSetManifest(subnet uint64, manifestCID string) []byte {
	enc, err := crucible.abi.Pack("setManifest", subnet, manifestCID)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetManifest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x316b7622.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setManifest(uint64 subnet, string manifestCID) returns()
func (crucible *Crucible) TryPackSetManifest(subnet uint64, manifestCID string) ([]byte, error) {
	return crucible.abi.Pack("setManifest", subnet, manifestCID)
}

// PackSubnetCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x916a5c5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function subnetCount() view returns(uint64)
func (crucible *Crucible) PackSubnetCount() []byte {
	enc, err := crucible.abi.Pack("subnetCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubnetCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x916a5c5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function subnetCount() view returns(uint64)
func (crucible *Crucible) TryPackSubnetCount() ([]byte, error) {
	return crucible.abi.Pack("subnetCount")
}

// UnpackSubnetCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x916a5c5b.
//
// Solidity: function subnetCount() view returns(uint64)
func (crucible *Crucible) UnpackSubnetCount(data []byte) (uint64, error) {
	out, err := crucible.abi.Unpack("subnetCount", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackSubnetInfo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeed159e8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint256,uint64,uint32),uint32) info)
func (crucible *Crucible) PackSubnetInfo(id uint64) []byte {
	enc, err := crucible.abi.Pack("subnetInfo", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubnetInfo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeed159e8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint256,uint64,uint32),uint32) info)
func (crucible *Crucible) TryPackSubnetInfo(id uint64) ([]byte, error) {
	return crucible.abi.Pack("subnetInfo", id)
}

// UnpackSubnetInfo is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xeed159e8.
//
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint256,uint64,uint32),uint32) info)
func (crucible *Crucible) UnpackSubnetInfo(data []byte) (CrucibleSubnetInfo, error) {
	out, err := crucible.abi.Unpack("subnetInfo", data)
	if err != nil {
		return *new(CrucibleSubnetInfo), err
	}
	out0 := *abi.ConvertType(out[0], new(CrucibleSubnetInfo)).(*CrucibleSubnetInfo)
	return out0, nil
}

// PackUidOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdc1ae365.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered)
func (crucible *Crucible) PackUidOf(subnet uint64, account common.Address) []byte {
	enc, err := crucible.abi.Pack("uidOf", subnet, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUidOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdc1ae365.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered)
func (crucible *Crucible) TryPackUidOf(subnet uint64, account common.Address) ([]byte, error) {
	return crucible.abi.Pack("uidOf", subnet, account)
}

// UidOfOutput serves as a container for the return parameters of contract
// method UidOf.
type UidOfOutput struct {
	Uid        uint32
	Registered bool
}

// UnpackUidOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdc1ae365.
//
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered)
func (crucible *Crucible) UnpackUidOf(data []byte) (UidOfOutput, error) {
	out, err := crucible.abi.Unpack("uidOf", data)
	outstruct := new(UidOfOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Uid = *abi.ConvertType(out[0], new(uint32)).(*uint32)
	outstruct.Registered = *abi.ConvertType(out[1], new(bool)).(*bool)
	return *outstruct, nil
}

// PackUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd0cc7fae.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unstake(uint64 subnet, uint256 amount) returns()
func (crucible *Crucible) PackUnstake(subnet uint64, amount *big.Int) []byte {
	enc, err := crucible.abi.Pack("unstake", subnet, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd0cc7fae.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unstake(uint64 subnet, uint256 amount) returns()
func (crucible *Crucible) TryPackUnstake(subnet uint64, amount *big.Int) ([]byte, error) {
	return crucible.abi.Pack("unstake", subnet, amount)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x750f0acc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(uint64 subnet) returns()
func (crucible *Crucible) PackWithdraw(subnet uint64) []byte {
	enc, err := crucible.abi.Pack("withdraw", subnet)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x750f0acc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(uint64 subnet) returns()
func (crucible *Crucible) TryPackWithdraw(subnet uint64) ([]byte, error) {
	return crucible.abi.Pack("withdraw", subnet)
}

// PackWithdrawal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59c96627.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawal(uint64 subnet, address account) view returns((uint256,uint64))
func (crucible *Crucible) PackWithdrawal(subnet uint64, account common.Address) []byte {
	enc, err := crucible.abi.Pack("withdrawal", subnet, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x59c96627.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawal(uint64 subnet, address account) view returns((uint256,uint64))
func (crucible *Crucible) TryPackWithdrawal(subnet uint64, account common.Address) ([]byte, error) {
	return crucible.abi.Pack("withdrawal", subnet, account)
}

// UnpackWithdrawal is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x59c96627.
//
// Solidity: function withdrawal(uint64 subnet, address account) view returns((uint256,uint64))
func (crucible *Crucible) UnpackWithdrawal(data []byte) (CrucibleWithdrawal, error) {
	out, err := crucible.abi.Unpack("withdrawal", data)
	if err != nil {
		return *new(CrucibleWithdrawal), err
	}
	out0 := *abi.ConvertType(out[0], new(CrucibleWithdrawal)).(*CrucibleWithdrawal)
	return out0, nil
}

// CrucibleAnchored represents a Anchored event raised by the Crucible contract.
type CrucibleAnchored struct {
	Subnet       uint64
	Epoch        uint64
	Root         [32]byte
	RecordDigest [32]byte
	Anchorer     common.Address
	Raw          *types.Log // Blockchain specific contextual infos
}

const CrucibleAnchoredEventName = "Anchored"

// ContractEventName returns the user-defined event name.
func (CrucibleAnchored) ContractEventName() string {
	return CrucibleAnchoredEventName
}

// UnpackAnchoredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Anchored(uint64 indexed subnet, uint64 indexed epoch, bytes32 root, bytes32 recordDigest, address anchorer)
func (crucible *Crucible) UnpackAnchoredEvent(log *types.Log) (*CrucibleAnchored, error) {
	event := "Anchored"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleAnchored)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleConflict represents a Conflict event raised by the Crucible contract.
type CrucibleConflict struct {
	Subnet       uint64
	Epoch        uint64
	Anchored     [32]byte
	Root         [32]byte
	RecordDigest [32]byte
	Anchorer     common.Address
	Raw          *types.Log // Blockchain specific contextual infos
}

const CrucibleConflictEventName = "Conflict"

// ContractEventName returns the user-defined event name.
func (CrucibleConflict) ContractEventName() string {
	return CrucibleConflictEventName
}

// UnpackConflictEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Conflict(uint64 indexed subnet, uint64 indexed epoch, bytes32 anchored, bytes32 root, bytes32 recordDigest, address anchorer)
func (crucible *Crucible) UnpackConflictEvent(log *types.Log) (*CrucibleConflict, error) {
	event := "Conflict"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleConflict)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleManifestUpdated represents a ManifestUpdated event raised by the Crucible contract.
type CrucibleManifestUpdated struct {
	Subnet      uint64
	ManifestCID string
	Raw         *types.Log // Blockchain specific contextual infos
}

const CrucibleManifestUpdatedEventName = "ManifestUpdated"

// ContractEventName returns the user-defined event name.
func (CrucibleManifestUpdated) ContractEventName() string {
	return CrucibleManifestUpdatedEventName
}

// UnpackManifestUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ManifestUpdated(uint64 indexed subnet, string manifestCID)
func (crucible *Crucible) UnpackManifestUpdatedEvent(log *types.Log) (*CrucibleManifestUpdated, error) {
	event := "ManifestUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleManifestUpdated)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleRegistered represents a Registered event raised by the Crucible contract.
type CrucibleRegistered struct {
	Subnet  uint64
	Account common.Address
	Uid     uint32
	PeerID  []byte
	Stake   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const CrucibleRegisteredEventName = "Registered"

// ContractEventName returns the user-defined event name.
func (CrucibleRegistered) ContractEventName() string {
	return CrucibleRegisteredEventName
}

// UnpackRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Registered(uint64 indexed subnet, address indexed account, uint32 uid, bytes peerID, uint256 stake)
func (crucible *Crucible) UnpackRegisteredEvent(log *types.Log) (*CrucibleRegistered, error) {
	event := "Registered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleRegistered)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleStakeAdded represents a StakeAdded event raised by the Crucible contract.
type CrucibleStakeAdded struct {
	Subnet  uint64
	Account common.Address
	Amount  *big.Int
	Stake   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const CrucibleStakeAddedEventName = "StakeAdded"

// ContractEventName returns the user-defined event name.
func (CrucibleStakeAdded) ContractEventName() string {
	return CrucibleStakeAddedEventName
}

// UnpackStakeAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StakeAdded(uint64 indexed subnet, address indexed account, uint256 amount, uint256 stake)
func (crucible *Crucible) UnpackStakeAddedEvent(log *types.Log) (*CrucibleStakeAdded, error) {
	event := "StakeAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleStakeAdded)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleSubnetCreated represents a SubnetCreated event raised by the Crucible contract.
type CrucibleSubnetCreated struct {
	Subnet      uint64
	Owner       common.Address
	ManifestCID string
	Tempo       uint32
	Start       uint64
	Raw         *types.Log // Blockchain specific contextual infos
}

const CrucibleSubnetCreatedEventName = "SubnetCreated"

// ContractEventName returns the user-defined event name.
func (CrucibleSubnetCreated) ContractEventName() string {
	return CrucibleSubnetCreatedEventName
}

// UnpackSubnetCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SubnetCreated(uint64 indexed subnet, address indexed owner, string manifestCID, uint32 tempo, uint64 start)
func (crucible *Crucible) UnpackSubnetCreatedEvent(log *types.Log) (*CrucibleSubnetCreated, error) {
	event := "SubnetCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleSubnetCreated)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleUnstakeRequested represents a UnstakeRequested event raised by the Crucible contract.
type CrucibleUnstakeRequested struct {
	Subnet      uint64
	Account     common.Address
	Amount      *big.Int
	UnlockBlock uint64
	Raw         *types.Log // Blockchain specific contextual infos
}

const CrucibleUnstakeRequestedEventName = "UnstakeRequested"

// ContractEventName returns the user-defined event name.
func (CrucibleUnstakeRequested) ContractEventName() string {
	return CrucibleUnstakeRequestedEventName
}

// UnpackUnstakeRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UnstakeRequested(uint64 indexed subnet, address indexed account, uint256 amount, uint64 unlockBlock)
func (crucible *Crucible) UnpackUnstakeRequestedEvent(log *types.Log) (*CrucibleUnstakeRequested, error) {
	event := "UnstakeRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleUnstakeRequested)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CrucibleWithdrawn represents a Withdrawn event raised by the Crucible contract.
type CrucibleWithdrawn struct {
	Subnet  uint64
	Account common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const CrucibleWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (CrucibleWithdrawn) ContractEventName() string {
	return CrucibleWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(uint64 indexed subnet, address indexed account, uint256 amount)
func (crucible *Crucible) UnpackWithdrawnEvent(log *types.Log) (*CrucibleWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != crucible.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CrucibleWithdrawn)
	if len(log.Data) > 0 {
		if err := crucible.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range crucible.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (crucible *Crucible) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], crucible.abi.Errors["AlreadyRegistered"].ID.Bytes()[:4]) {
		return crucible.UnpackAlreadyRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["AnchorStakeTooLow"].ID.Bytes()[:4]) {
		return crucible.UnpackAnchorStakeTooLowError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["EmptyManifest"].ID.Bytes()[:4]) {
		return crucible.UnpackEmptyManifestError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["EpochNotOver"].ID.Bytes()[:4]) {
		return crucible.UnpackEpochNotOverError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InsufficientStake"].ID.Bytes()[:4]) {
		return crucible.UnpackInsufficientStakeError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InvalidPeerID"].ID.Bytes()[:4]) {
		return crucible.UnpackInvalidPeerIDError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InvalidTempo"].ID.Bytes()[:4]) {
		return crucible.UnpackInvalidTempoError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InvalidUnstakeDelay"].ID.Bytes()[:4]) {
		return crucible.UnpackInvalidUnstakeDelayError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return crucible.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["NotRegistered"].ID.Bytes()[:4]) {
		return crucible.UnpackNotRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return crucible.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["StakeTooLow"].ID.Bytes()[:4]) {
		return crucible.UnpackStakeTooLowError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["StillLocked"].ID.Bytes()[:4]) {
		return crucible.UnpackStillLockedError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["SubnetFull"].ID.Bytes()[:4]) {
		return crucible.UnpackSubnetFullError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return crucible.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["UnknownSubnet"].ID.Bytes()[:4]) {
		return crucible.UnpackUnknownSubnetError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return crucible.UnpackZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// CrucibleAlreadyRegistered represents a AlreadyRegistered error raised by the Crucible contract.
type CrucibleAlreadyRegistered struct {
	Subnet  uint64
	Account common.Address
	Uid     uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyRegistered(uint64 subnet, address account, uint32 uid)
func CrucibleAlreadyRegisteredErrorID() common.Hash {
	return common.HexToHash("0xaff061ee4f5c0b58a238c76e020c88525a5eddc58e8e7f1b9b2fa000341e7b16")
}

// UnpackAlreadyRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyRegistered(uint64 subnet, address account, uint32 uid)
func (crucible *Crucible) UnpackAlreadyRegisteredError(raw []byte) (*CrucibleAlreadyRegistered, error) {
	out := new(CrucibleAlreadyRegistered)
	if err := crucible.abi.UnpackIntoInterface(out, "AlreadyRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleAnchorStakeTooLow represents a AnchorStakeTooLow error raised by the Crucible contract.
type CrucibleAnchorStakeTooLow struct {
	Subnet         uint64
	Account        common.Address
	AnchorMinStake *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AnchorStakeTooLow(uint64 subnet, address account, uint256 anchorMinStake)
func CrucibleAnchorStakeTooLowErrorID() common.Hash {
	return common.HexToHash("0xd48cd56f4a435f2932ecede3f5c0691519af917840c849315000275c276b6996")
}

// UnpackAnchorStakeTooLowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AnchorStakeTooLow(uint64 subnet, address account, uint256 anchorMinStake)
func (crucible *Crucible) UnpackAnchorStakeTooLowError(raw []byte) (*CrucibleAnchorStakeTooLow, error) {
	out := new(CrucibleAnchorStakeTooLow)
	if err := crucible.abi.UnpackIntoInterface(out, "AnchorStakeTooLow", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleEmptyManifest represents a EmptyManifest error raised by the Crucible contract.
type CrucibleEmptyManifest struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyManifest()
func CrucibleEmptyManifestErrorID() common.Hash {
	return common.HexToHash("0xd9313d2917e6ed7f09348eab6522a494f90cfe097f11ce8a71065698a9ac9546")
}

// UnpackEmptyManifestError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyManifest()
func (crucible *Crucible) UnpackEmptyManifestError(raw []byte) (*CrucibleEmptyManifest, error) {
	out := new(CrucibleEmptyManifest)
	if err := crucible.abi.UnpackIntoInterface(out, "EmptyManifest", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleEpochNotOver represents a EpochNotOver error raised by the Crucible contract.
type CrucibleEpochNotOver struct {
	Subnet       uint64
	Epoch        uint64
	CurrentEpoch uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EpochNotOver(uint64 subnet, uint64 epoch, uint64 currentEpoch)
func CrucibleEpochNotOverErrorID() common.Hash {
	return common.HexToHash("0xdae25a876263c4859bd9e7f15771d6b1c2aa1b1a517b68209e2426196b8de6fe")
}

// UnpackEpochNotOverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EpochNotOver(uint64 subnet, uint64 epoch, uint64 currentEpoch)
func (crucible *Crucible) UnpackEpochNotOverError(raw []byte) (*CrucibleEpochNotOver, error) {
	out := new(CrucibleEpochNotOver)
	if err := crucible.abi.UnpackIntoInterface(out, "EpochNotOver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleInsufficientStake represents a InsufficientStake error raised by the Crucible contract.
type CrucibleInsufficientStake struct {
	Requested *big.Int
	Stake     *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientStake(uint256 requested, uint256 stake)
func CrucibleInsufficientStakeErrorID() common.Hash {
	return common.HexToHash("0x45be0a261a88f9fedc41221879f08865d5e8d6053c877967e6e8e39e5697e6d5")
}

// UnpackInsufficientStakeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientStake(uint256 requested, uint256 stake)
func (crucible *Crucible) UnpackInsufficientStakeError(raw []byte) (*CrucibleInsufficientStake, error) {
	out := new(CrucibleInsufficientStake)
	if err := crucible.abi.UnpackIntoInterface(out, "InsufficientStake", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleInvalidPeerID represents a InvalidPeerID error raised by the Crucible contract.
type CrucibleInvalidPeerID struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidPeerID(uint256 length)
func CrucibleInvalidPeerIDErrorID() common.Hash {
	return common.HexToHash("0x4fe5d2e1ffbb3ac61bf07f23b133d18db4ab5486f7f5068f61145b9e7a968fde")
}

// UnpackInvalidPeerIDError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidPeerID(uint256 length)
func (crucible *Crucible) UnpackInvalidPeerIDError(raw []byte) (*CrucibleInvalidPeerID, error) {
	out := new(CrucibleInvalidPeerID)
	if err := crucible.abi.UnpackIntoInterface(out, "InvalidPeerID", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleInvalidTempo represents a InvalidTempo error raised by the Crucible contract.
type CrucibleInvalidTempo struct {
	Tempo uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidTempo(uint32 tempo)
func CrucibleInvalidTempoErrorID() common.Hash {
	return common.HexToHash("0x823f024953df8214a1441449527201c70193a2a6fa6026291b1c75128d979a77")
}

// UnpackInvalidTempoError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidTempo(uint32 tempo)
func (crucible *Crucible) UnpackInvalidTempoError(raw []byte) (*CrucibleInvalidTempo, error) {
	out := new(CrucibleInvalidTempo)
	if err := crucible.abi.UnpackIntoInterface(out, "InvalidTempo", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleInvalidUnstakeDelay represents a InvalidUnstakeDelay error raised by the Crucible contract.
type CrucibleInvalidUnstakeDelay struct {
	UnstakeDelay uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidUnstakeDelay(uint64 unstakeDelay)
func CrucibleInvalidUnstakeDelayErrorID() common.Hash {
	return common.HexToHash("0x46b5e5b41b2c6fe7bd04a137901c4663338b80d27bde198405d594858d437495")
}

// UnpackInvalidUnstakeDelayError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidUnstakeDelay(uint64 unstakeDelay)
func (crucible *Crucible) UnpackInvalidUnstakeDelayError(raw []byte) (*CrucibleInvalidUnstakeDelay, error) {
	out := new(CrucibleInvalidUnstakeDelay)
	if err := crucible.abi.UnpackIntoInterface(out, "InvalidUnstakeDelay", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleNotOwner represents a NotOwner error raised by the Crucible contract.
type CrucibleNotOwner struct {
	Subnet uint64
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner(uint64 subnet, address caller)
func CrucibleNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x4b9d219fe93a98e3fe6832876abebce2006062f07cff271b865a8484b45e0eaa")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner(uint64 subnet, address caller)
func (crucible *Crucible) UnpackNotOwnerError(raw []byte) (*CrucibleNotOwner, error) {
	out := new(CrucibleNotOwner)
	if err := crucible.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleNotRegistered represents a NotRegistered error raised by the Crucible contract.
type CrucibleNotRegistered struct {
	Subnet  uint64
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotRegistered(uint64 subnet, address account)
func CrucibleNotRegisteredErrorID() common.Hash {
	return common.HexToHash("0x3ddf81fd52bbc7a4e448a57424bb28c8ca404789c683380282233beb0420a96d")
}

// UnpackNotRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotRegistered(uint64 subnet, address account)
func (crucible *Crucible) UnpackNotRegisteredError(raw []byte) (*CrucibleNotRegistered, error) {
	out := new(CrucibleNotRegistered)
	if err := crucible.abi.UnpackIntoInterface(out, "NotRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleNothingToWithdraw represents a NothingToWithdraw error raised by the Crucible contract.
type CrucibleNothingToWithdraw struct {
	Subnet  uint64
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw(uint64 subnet, address account)
func CrucibleNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0x58839d80d74fc874ce13d5cc8099d4caf137f85566c1778f1ece1718ff767b59")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw(uint64 subnet, address account)
func (crucible *Crucible) UnpackNothingToWithdrawError(raw []byte) (*CrucibleNothingToWithdraw, error) {
	out := new(CrucibleNothingToWithdraw)
	if err := crucible.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleStakeTooLow represents a StakeTooLow error raised by the Crucible contract.
type CrucibleStakeTooLow struct {
	Stake    *big.Int
	MinStake *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 minStake)
func CrucibleStakeTooLowErrorID() common.Hash {
	return common.HexToHash("0x829f11638d406de2605d01f8ea108c1f13393def0f2b7b6e6ffffd9996d50bd5")
}

// UnpackStakeTooLowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeTooLow(uint256 stake, uint256 minStake)
func (crucible *Crucible) UnpackStakeTooLowError(raw []byte) (*CrucibleStakeTooLow, error) {
	out := new(CrucibleStakeTooLow)
	if err := crucible.abi.UnpackIntoInterface(out, "StakeTooLow", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleStillLocked represents a StillLocked error raised by the Crucible contract.
type CrucibleStillLocked struct {
	UnlockBlock  uint64
	CurrentBlock uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StillLocked(uint64 unlockBlock, uint64 currentBlock)
func CrucibleStillLockedErrorID() common.Hash {
	return common.HexToHash("0xfd6bebf7f0f2025982a1b05f34b904f9bb532cce7383cfe082b2220194733281")
}

// UnpackStillLockedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StillLocked(uint64 unlockBlock, uint64 currentBlock)
func (crucible *Crucible) UnpackStillLockedError(raw []byte) (*CrucibleStillLocked, error) {
	out := new(CrucibleStillLocked)
	if err := crucible.abi.UnpackIntoInterface(out, "StillLocked", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleSubnetFull represents a SubnetFull error raised by the Crucible contract.
type CrucibleSubnetFull struct {
	Subnet     uint64
	MaxNeurons uint32
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SubnetFull(uint64 subnet, uint32 maxNeurons)
func CrucibleSubnetFullErrorID() common.Hash {
	return common.HexToHash("0xf536489d5881bf415354a3b59ac7cda736f0a21b658c3d1a0094bf33605eadb7")
}

// UnpackSubnetFullError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SubnetFull(uint64 subnet, uint32 maxNeurons)
func (crucible *Crucible) UnpackSubnetFullError(raw []byte) (*CrucibleSubnetFull, error) {
	out := new(CrucibleSubnetFull)
	if err := crucible.abi.UnpackIntoInterface(out, "SubnetFull", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleTransferFailed represents a TransferFailed error raised by the Crucible contract.
type CrucibleTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func CrucibleTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (crucible *Crucible) UnpackTransferFailedError(raw []byte) (*CrucibleTransferFailed, error) {
	out := new(CrucibleTransferFailed)
	if err := crucible.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleUnknownSubnet represents a UnknownSubnet error raised by the Crucible contract.
type CrucibleUnknownSubnet struct {
	Subnet uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownSubnet(uint64 subnet)
func CrucibleUnknownSubnetErrorID() common.Hash {
	return common.HexToHash("0x8546dcc26fa1fd806c1c5d144d0acda8246e2764d33183ec29e5c17323b45ae8")
}

// UnpackUnknownSubnetError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownSubnet(uint64 subnet)
func (crucible *Crucible) UnpackUnknownSubnetError(raw []byte) (*CrucibleUnknownSubnet, error) {
	out := new(CrucibleUnknownSubnet)
	if err := crucible.abi.UnpackIntoInterface(out, "UnknownSubnet", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CrucibleZeroRoot represents a ZeroRoot error raised by the Crucible contract.
type CrucibleZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot()
func CrucibleZeroRootErrorID() common.Hash {
	return common.HexToHash("0xb263ae738e814ca9af6ee56bb85daa47624e790421913c947dcba2aac07cfdbd")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot()
func (crucible *Crucible) UnpackZeroRootError(raw []byte) (*CrucibleZeroRoot, error) {
	out := new(CrucibleZeroRoot)
	if err := crucible.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}
