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
	MinStake     *big.Int
	UnstakeDelay uint64
	MaxNeurons   uint32
}

// CrucibleWithdrawal is an auto generated low-level Go binding around an user-defined struct.
type CrucibleWithdrawal struct {
	Amount      *big.Int
	UnlockBlock uint64
}

// CrucibleMetaData contains all meta data concerning the Crucible contract.
var CrucibleMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"}],\"name\":\"AlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyManifest\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"EmptyPeerID\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"currentEpoch\",\"type\":\"uint64\"}],\"name\":\"EpochNotOver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"requested\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"InsufficientStake\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"}],\"name\":\"InvalidTempo\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NotRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"}],\"name\":\"StakeTooLow\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"currentBlock\",\"type\":\"uint64\"}],\"name\":\"StillLocked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"name\":\"SubnetFull\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"UnknownSubnet\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"}],\"name\":\"Anchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"}],\"name\":\"Conflict\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"}],\"name\":\"ManifestUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"Registered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"}],\"name\":\"StakeAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"start\",\"type\":\"uint64\"}],\"name\":\"SubnetCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"}],\"name\":\"UnstakeRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"addStake\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"recordDigest\",\"type\":\"bytes32\"}],\"name\":\"anchor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"epoch\",\"type\":\"uint64\"}],\"name\":\"anchorOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unstakeDelay\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetParams\",\"name\":\"params\",\"type\":\"tuple\"}],\"name\":\"createSubnet\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"id\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"currentEpoch\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"neurons\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"internalType\":\"structCrucible.Neuron[]\",\"name\":\"\",\"type\":\"tuple[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"peerID\",\"type\":\"bytes\"}],\"name\":\"register\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"}],\"name\":\"setManifest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"subnetCount\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"id\",\"type\":\"uint64\"}],\"name\":\"subnetInfo\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"manifestCID\",\"type\":\"string\"},{\"internalType\":\"uint32\",\"name\":\"tempo\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"start\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"minStake\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unstakeDelay\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"maxNeurons\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetParams\",\"name\":\"params\",\"type\":\"tuple\"},{\"internalType\":\"uint32\",\"name\":\"neuronCount\",\"type\":\"uint32\"}],\"internalType\":\"structCrucible.SubnetInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"uidOf\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"uid\",\"type\":\"uint32\"},{\"internalType\":\"bool\",\"name\":\"registered\",\"type\":\"bool\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"unstake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"subnet\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"withdrawal\",\"outputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"unlockBlock\",\"type\":\"uint64\"}],\"internalType\":\"structCrucible.Withdrawal\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Crucible",
	Bin: "0x6080604052348015600e575f5ffd5b50611a488061001c5f395ff3fe6080604052600436106100d9575f3560e01c8063bd5279421161007c578063dc1ae36511610057578063dc1ae36514610292578063e63d43be14610313578063eed159e814610332578063fd4ae8131461035e575f5ffd5b8063bd527942146101f5578063c631b41214610221578063d0cc7fae14610273575f5ffd5b8063750f0acc116100b7578063750f0acc1461015957806386504a8f14610178578063916a5c5b146101af578063abae8a06146101cd575f5ffd5b8063224de6d5146100dd578063316b7622146100f257806359c9662714610111575b5f5ffd5b6100f06100eb366004611296565b61037d565b005b3480156100fd575f5ffd5b506100f061010c3660046112f5565b6103f2565b34801561011c575f5ffd5b5061013061012b366004611345565b6104b0565b60408051825181526020928301516001600160401b031692810192909252015b60405180910390f35b348015610164575f5ffd5b506100f0610173366004611296565b610507565b348015610183575f5ffd5b50610197610192366004611296565b610677565b6040516001600160401b039091168152602001610150565b3480156101ba575f5ffd5b505f54610197906001600160401b031681565b6101e06101db3660046112f5565b6106c0565b60405163ffffffff9091168152602001610150565b348015610200575f5ffd5b5061021461020f366004611296565b610a1e565b60405161015091906113b5565b34801561022c575f5ffd5b5061026561023b366004611463565b6001600160401b039182165f90815260046020908152604080832093909416825291909152205490565b604051908152602001610150565b34801561027e575f5ffd5b506100f061028d36600461148f565b610b62565b34801561029d575f5ffd5b506102ef6102ac366004611345565b6001600160401b03919091165f9081526002602090815260408083206001600160a01b0390941683529290522054608081901c9181151591600160ff1b16151590565b6040805163ffffffff90941684529115156020840152151590820152606001610150565b34801561031e575f5ffd5b506100f061032d3660046114b9565b610cd4565b34801561033d575f5ffd5b5061035161034c366004611296565b610eb5565b60405161015091906114fc565b348015610369575f5ffd5b506101976103783660046115b1565b61103b565b5f6103888233611195565b905034816002015f82825461039d919061162f565b9091555050600281015460408051348152602081019290925233916001600160401b038516917f74ee3feb47e144ec0b2e1a6d73c773595f8989034fd5231ed09a00e5b0b51d56910160405180910390a35050565b5f6103fc84611227565b80549091506001600160a01b03163314610436578333604051634b9d219f60e01b815260040161042d929190611642565b60405180910390fd5b5f8290036104575760405163d9313d2960e01b815260040160405180910390fd5b60038101610466838583611707565b50836001600160401b03167fd6141f0d013c826ca6c86412888e9576de731c6e22c3bd921870c009e9237ccb84846040516104a29291906117e9565b60405180910390a250505050565b6040805180820182525f80825260209182018190526001600160401b038581168252600383528382206001600160a01b03861683528352908390208351808501909452805484526001015416908201525b92915050565b6001600160401b0381165f90815260036020908152604080832033845290915281208054909181900361055057823360405162b1073b60e71b815260040161042d929190611642565b60018201546001600160401b031643101561059857600182015460405163fd6bebf760e01b81526001600160401b03918216600482015243909116602482015260440161042d565b6001600160401b0383165f908152600360209081526040808320338085529252808320838155600101805467ffffffffffffffff191690555183908381818185875af1925050503d805f8114610609576040519150601f19603f3d011682016040523d82523d5f602084013e61060e565b606091505b5050905080610630576040516312171d8360e31b815260040160405180910390fd5b60405182815233906001600160401b038616907f0ff23c4cdc2733f56d8f04d7a351c4332a1cd3334287ed5b2e9c6a28da9d3533906020015b60405180910390a350505050565b5f5f61068283611227565b8054909150600160a01b810463ffffffff16906106af90600160c01b90046001600160401b031643611804565b6106b99190611823565b9392505050565b5f5f6106cb85611227565b90505f8390036106ee57604051636430620f60e11b815260040160405180910390fd5b600181015434101561072257600181015460405163829f116360e01b8152346004820152602481019190915260440161042d565b6001600160401b0385165f908152600260209081526040808320338452909152902054801561080057608081901c9250600160ff1b811615610794576040516357f830f760e11b81526001600160401b038716600482015233602482015263ffffffff8416604482015260640161042d565b5f826004018463ffffffff16815481106107b0576107b061185c565b5f91825260209091206004909102019050600181016107d0868883611707565b50346002820155600301805468ffffffffffffffffff19166001600160401b03431617600160401b179055610977565b6002820154600160401b900463ffffffff1615801590610836575060028201546004830154600160401b90910463ffffffff1611155b1561087757600282015460405163f536489d60e01b81526001600160401b0388166004820152600160401b90910463ffffffff16602482015260440161042d565b6004820180546040805160a08101825233815281516020601f8a01819004810282018101909352888152929650918183019189908990819084018382808284375f920182905250938552505034602080850191909152436001600160401b03166040850152600160609094018490528554808501875595835291829020845160049096020180546001600160a01b0319166001600160a01b03909616959095178555508201519192919082019061092e9082611870565b50604082015160028201556060820151600390910180546080909301511515600160401b0268ffffffffffffffffff199093166001600160401b03909216919091179190911790555b81546001600160401b038781165f8181526002602090815260408083203380855292529182902063ffffffff60801b60808a901b1663ffffffff60401b600160a01b8804851b1617600160c01b9096049490941694909417600160ff1b1790925590517ff2edf6a22a513e66b4860aa1aa93575dd89786a28760db558b2134334977988890610a0d9087908a908a90349061192a565b60405180910390a350509392505050565b6060610a2982611227565b600401805480602002602001604051908101604052809291908181526020015f905b82821015610b57575f8481526020908190206040805160a081019091526004850290910180546001600160a01b031682526001810180549293919291840191610a9390611678565b80601f0160208091040260200160405190810160405280929190818152602001828054610abf90611678565b8015610b0a5780601f10610ae157610100808354040283529160200191610b0a565b820191905f5260205f20905b815481529060010190602001808311610aed57829003601f168201915b505050918352505060028201546020808301919091526003909201546001600160401b0381166040830152600160401b900460ff1615156060909101529082526001929092019101610a4b565b505050509050919050565b5f610b6d8333611195565b9050811580610b7f5750806002015482115b15610bad5760028101546040516322df051360e11b815261042d918491600401918252602082015260400190565b81816002015f828254610bc0919061195a565b909155505060028101545f03610c145760038101805468ff0000000000000000191690556001600160401b0383165f908152600260209081526040808320338452909152902080546001600160ff1b031690555b6001600160401b0383165f9081526003602090815260408083203384529091528120805490918491839190610c4a90849061162f565b90915550506001600160401b038085165f90815260016020526040902060020154610c7691164361196d565b60018201805467ffffffffffffffff19166001600160401b0392831690811790915560408051868152602081019290925233928716917fc7257c4b2acedbaa4462c7b84cb0ab14924a3ebf1f0db945b6276c47bd9ae1f29101610669565b6001600160401b0384165f90815260026020908152604080832033845290915281205490600160ff1b82169003610d22578433604051633ddf81fd60e01b815260040161042d929190611642565b5f63ffffffff604083901c16610d388343611804565b610d429190611823565b9050806001600160401b0316856001600160401b031610610d915760405163dae25a8760e01b81526001600160401b03808816600483015280871660248301528216604482015260640161042d565b5f849003610db25760405163b263ae7360e01b815260040160405180910390fd5b6001600160401b038087165f90815260046020908152604080832093891683529290529081205490819003610e4d576001600160401b038781165f818152600460209081526040808320948b16808452948252918290208990558151898152908101889052338183015290517f1c46e26ecd49ab0517495a04cc125132b40eb87af8944f7ebe57cb4ae5a3edd39181900360600190a3610eac565b848114610eac5760408051828152602081018790529081018590523360608201526001600160401b0380881691908916907fc2bdeb16b47cdcaff8a452b3a446c3b398e4cb5a3077823b5aed66e21cd2fe3e9060800160405180910390a35b50505050505050565b610f016040805160c0810182525f808252606060208084018290528385018390528184018390528451918201855282825281018290529283015290608082019081525f60209091015290565b5f610f0b83611227565b6040805160c0810190915281546001600160a01b031681526003820180549293509091602083019190610f3d90611678565b80601f0160208091040260200160405190810160405280929190818152602001828054610f6990611678565b8015610fb45780601f10610f8b57610100808354040283529160200191610fb4565b820191905f5260205f20905b815481529060010190602001808311610f9757829003601f168201915b5050509183525050825463ffffffff600160a01b820481166020808501919091526001600160401b03600160c01b909304831660408086019190915280516060818101835260018901548252600289015495861693820193909352600160401b90940483169084015283019190915260049093015490921660809092019190915292915050565b5f8263ffffffff165f0361106a5760405163823f024960e01b815263ffffffff8416600482015260240161042d565b5f84900361108b5760405163d9313d2960e01b815260040160405180910390fd5b5f80546001600160401b031690806110a28361198c565b82546101009290920a6001600160401b038181021990931691831602179091558181165f90815260016020819052604090912080546001600160c01b0319163363ffffffff60a01b191617600160a01b63ffffffff891602176001600160c01b0316600160c01b4390941693909302929092178255919250908390820161112982826119b6565b50506003810161113a868883611707565b50336001600160a01b0316826001600160401b03167f8095e6378a38fe3c21c0c05ea0c828d62d63d4ef1eeee814a958f6b75c1aa00a888888436040516111849493929190611a0f565b60405180910390a350949350505050565b6001600160401b0382165f9081526002602090815260408083206001600160a01b0385168452909152812054600160ff1b811682036111eb578383604051633ddf81fd60e01b815260040161042d929190611642565b6111f484611227565b600401608082901c63ffffffff16815481106112125761121261185c565b905f5260205f20906004020191505092915050565b6001600160401b0381165f90815260016020526040812080549091600160a01b90910463ffffffff16900361127a576040516342a36e6160e11b81526001600160401b038316600482015260240161042d565b919050565b6001600160401b0381168114611293575f5ffd5b50565b5f602082840312156112a6575f5ffd5b81356106b98161127f565b5f5f83601f8401126112c1575f5ffd5b5081356001600160401b038111156112d7575f5ffd5b6020830191508360208285010111156112ee575f5ffd5b9250929050565b5f5f5f60408486031215611307575f5ffd5b83356113128161127f565b925060208401356001600160401b0381111561132c575f5ffd5b611338868287016112b1565b9497909650939450505050565b5f5f60408385031215611356575f5ffd5b82356113618161127f565b915060208301356001600160a01b038116811461137c575f5ffd5b809150509250929050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b8281101561145757868503603f19018452815180516001600160a01b0316865260208082015160a09188018290529061141690880182611387565b604083810151908901526060808401516001600160401b031690890152608092830151151592909701919091525060209384019391909101906001016113db565b50929695505050505050565b5f5f60408385031215611474575f5ffd5b823561147f8161127f565b9150602083013561137c8161127f565b5f5f604083850312156114a0575f5ffd5b82356114ab8161127f565b946020939093013593505050565b5f5f5f5f608085870312156114cc575f5ffd5b84356114d78161127f565b935060208501356114e78161127f565b93969395505050506040820135916060013590565b602080825282516001600160a01b03168282015282015161010060408301525f9061152b610120840182611387565b905063ffffffff60408501511660608401526001600160401b0360608501511660808401526080840151805160a08501526001600160401b0360208201511660c085015263ffffffff60408201511660e08501525060a084015161159861010085018263ffffffff169052565b509392505050565b63ffffffff81168114611293575f5ffd5b5f5f5f5f84860360a08112156115c5575f5ffd5b85356001600160401b038111156115da575f5ffd5b6115e6888289016112b1565b90965094505060208601356115fa816115a0565b92506060603f198201121561160d575f5ffd5b509295919450926040019150565b634e487b7160e01b5f52601160045260245ffd5b808201808211156105015761050161161b565b6001600160401b039290921682526001600160a01b0316602082015260400190565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061168c57607f821691505b6020821081036116aa57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115611702578282111561170257805f5260205f20601f840160051c60208510156116db57505f5b90810190601f840160051c035f5b818110156116fe575f838201556001016116e9565b5050505b505050565b6001600160401b0383111561171e5761171e611664565b6117328361172c8354611678565b836116b0565b5f601f841160018114611763575f851561174c5750838201355b5f19600387901b1c1916600186901b1783556117ba565b5f83815260208120601f198716915b828110156117925786850135825560209485019460019092019101611772565b50868210156117ae575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b602081525f6117fc6020830184866117c1565b949350505050565b6001600160401b0382811682821603908111156105015761050161161b565b5f6001600160401b0383168061184757634e487b7160e01b5f52601260045260245ffd5b806001600160401b0384160491505092915050565b634e487b7160e01b5f52603260045260245ffd5b81516001600160401b0381111561188957611889611664565b61189d816118978454611678565b846116b0565b6020601f8211600181146118cf575f83156118b85750848201515b5f19600385901b1c1916600184901b1784556117ba565b5f84815260208120601f198516915b828110156118fe57878501518255602094850194600190920191016118de565b508482101561191b57868401515f19600387901b60f8161c191681555b50505050600190811b01905550565b63ffffffff85168152606060208201525f6119496060830185876117c1565b905082604083015295945050505050565b818103818111156105015761050161161b565b6001600160401b0381811683821601908111156105015761050161161b565b5f6001600160401b0382166001600160401b0381036119ad576119ad61161b565b60010192915050565b813581556001810160208301356119cc8161127f565b815460408501356119dc816115a0565b63ffffffff60401b8160401b166001600160401b0384166bffffffffffffffffffffffff19841617178455505050505050565b606081525f611a226060830186886117c1565b905063ffffffff841660208301526001600160401b03831660408301529594505050505056",
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
// the contract method with ID 0xfd4ae813.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint64,uint32) params) returns(uint64 id)
func (crucible *Crucible) PackCreateSubnet(manifestCID string, tempo uint32, params CrucibleSubnetParams) []byte {
	enc, err := crucible.abi.Pack("createSubnet", manifestCID, tempo, params)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateSubnet is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfd4ae813.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint64,uint32) params) returns(uint64 id)
func (crucible *Crucible) TryPackCreateSubnet(manifestCID string, tempo uint32, params CrucibleSubnetParams) ([]byte, error) {
	return crucible.abi.Pack("createSubnet", manifestCID, tempo, params)
}

// UnpackCreateSubnet is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfd4ae813.
//
// Solidity: function createSubnet(string manifestCID, uint32 tempo, (uint256,uint64,uint32) params) returns(uint64 id)
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

// PackNeurons is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd527942.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function neurons(uint64 subnet) view returns((address,bytes,uint256,uint64,bool)[])
func (crucible *Crucible) PackNeurons(subnet uint64) []byte {
	enc, err := crucible.abi.Pack("neurons", subnet)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNeurons is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd527942.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function neurons(uint64 subnet) view returns((address,bytes,uint256,uint64,bool)[])
func (crucible *Crucible) TryPackNeurons(subnet uint64) ([]byte, error) {
	return crucible.abi.Pack("neurons", subnet)
}

// UnpackNeurons is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbd527942.
//
// Solidity: function neurons(uint64 subnet) view returns((address,bytes,uint256,uint64,bool)[])
func (crucible *Crucible) UnpackNeurons(data []byte) ([]CrucibleNeuron, error) {
	out, err := crucible.abi.Unpack("neurons", data)
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
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint64,uint32),uint32) info)
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
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint64,uint32),uint32) info)
func (crucible *Crucible) TryPackSubnetInfo(id uint64) ([]byte, error) {
	return crucible.abi.Pack("subnetInfo", id)
}

// UnpackSubnetInfo is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xeed159e8.
//
// Solidity: function subnetInfo(uint64 id) view returns((address,string,uint32,uint64,(uint256,uint64,uint32),uint32) info)
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
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered, bool active)
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
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered, bool active)
func (crucible *Crucible) TryPackUidOf(subnet uint64, account common.Address) ([]byte, error) {
	return crucible.abi.Pack("uidOf", subnet, account)
}

// UidOfOutput serves as a container for the return parameters of contract
// method UidOf.
type UidOfOutput struct {
	Uid        uint32
	Registered bool
	Active     bool
}

// UnpackUidOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdc1ae365.
//
// Solidity: function uidOf(uint64 subnet, address account) view returns(uint32 uid, bool registered, bool active)
func (crucible *Crucible) UnpackUidOf(data []byte) (UidOfOutput, error) {
	out, err := crucible.abi.Unpack("uidOf", data)
	outstruct := new(UidOfOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Uid = *abi.ConvertType(out[0], new(uint32)).(*uint32)
	outstruct.Registered = *abi.ConvertType(out[1], new(bool)).(*bool)
	outstruct.Active = *abi.ConvertType(out[2], new(bool)).(*bool)
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
	if bytes.Equal(raw[:4], crucible.abi.Errors["EmptyManifest"].ID.Bytes()[:4]) {
		return crucible.UnpackEmptyManifestError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["EmptyPeerID"].ID.Bytes()[:4]) {
		return crucible.UnpackEmptyPeerIDError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["EpochNotOver"].ID.Bytes()[:4]) {
		return crucible.UnpackEpochNotOverError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InsufficientStake"].ID.Bytes()[:4]) {
		return crucible.UnpackInsufficientStakeError(raw[4:])
	}
	if bytes.Equal(raw[:4], crucible.abi.Errors["InvalidTempo"].ID.Bytes()[:4]) {
		return crucible.UnpackInvalidTempoError(raw[4:])
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

// CrucibleEmptyPeerID represents a EmptyPeerID error raised by the Crucible contract.
type CrucibleEmptyPeerID struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyPeerID()
func CrucibleEmptyPeerIDErrorID() common.Hash {
	return common.HexToHash("0xc860c41e69063f08aab5b8c16d1a28ed6496a8e07e8b47a0b4a48e8af432918b")
}

// UnpackEmptyPeerIDError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyPeerID()
func (crucible *Crucible) UnpackEmptyPeerIDError(raw []byte) (*CrucibleEmptyPeerID, error) {
	out := new(CrucibleEmptyPeerID)
	if err := crucible.abi.UnpackIntoInterface(out, "EmptyPeerID", raw); err != nil {
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
