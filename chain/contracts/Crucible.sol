// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Crucible: subnets, stake and epoch anchors
/// @notice One contract per network. It records which subnets exist (the
/// CID of their manifest, their owner and tempo), who is registered in
/// each and with how much stake, and, for every epoch, the Merkle root of
/// the epoch's record: one transaction per subnet per epoch, whatever the
/// number of participants. Everything else (weights, evaluations,
/// consensus) lives in the record, which anyone can fetch by CID and check
/// against the root anchored here.
/// @dev Gas matters most for anchor, which every subnet pays every epoch:
/// it reads one storage slot (the sender's membership, which also carries
/// the subnet's clock) and writes one (the root), and the record's CID is
/// passed as its sha2-256 digest (records are always CIDv1 dag-cbor
/// sha2-256), so calldata and the log stay small. docs/BENCHMARKS.md has
/// the gas of every function.
contract Crucible {
    /// @notice Parameters fixed when a subnet is created.
    struct SubnetParams {
        /// Smallest stake, in wei, that register accepts.
        uint256 minStake;
        /// Smallest stake, in wei, an account needs to anchor epochs.
        /// The first root anchored is the epoch's, so this keeps cheap
        /// accounts from taking that place.
        uint256 anchorMinStake;
        /// Blocks between an unstake and the withdrawal; at most 2^32.
        uint64 unstakeDelay;
        /// Most neurons the subnet admits; 0 means no limit.
        uint32 maxNeurons;
    }

    /// @notice A subnet as the views return it.
    struct SubnetInfo {
        address owner;
        string manifestCID;
        uint32 tempo;
        uint64 start;
        SubnetParams params;
        uint32 neuronCount;
    }

    /// @notice A registered account, by uid.
    struct Neuron {
        address account;
        bytes peerID;
        uint256 stake;
        uint64 registeredAt;
        bool active;
    }

    struct Subnet {
        address owner;
        uint32 tempo;
        uint64 start;
        SubnetParams params;
        string manifestCID;
        Neuron[] neurons;
        /// uids whose account unstaked everything, for the next register.
        uint32[] freeUids;
    }

    struct Withdrawal {
        uint256 amount;
        uint64 unlockBlock;
    }

    /// The block the contract was deployed in: where to start reading its
    /// events.
    uint64 public immutable deployBlock;

    uint64 public subnetCount;
    mapping(uint64 => Subnet) private subnets;

    /// Per subnet and registered account, one packed word (0 when not
    /// registered): bit 255 registered | bit 254 may anchor | bits 128..159
    /// uid | bits 64..95 tempo | bits 0..63 start. Anchor reads this one
    /// slot for the membership, the right to anchor and the clock.
    mapping(uint64 => mapping(address => uint256)) private membership;

    mapping(uint64 => mapping(address => Withdrawal)) private withdrawals;

    /// (subnet, epoch) → the first root anchored for it.
    mapping(uint64 => mapping(uint64 => bytes32)) private anchors;

    event SubnetCreated(uint64 indexed subnet, address indexed owner, string manifestCID, uint32 tempo, uint64 start);
    event ManifestUpdated(uint64 indexed subnet, string manifestCID);
    event Registered(uint64 indexed subnet, address indexed account, uint32 uid, bytes peerID, uint256 stake);
    event StakeAdded(uint64 indexed subnet, address indexed account, uint256 amount, uint256 stake);
    event UnstakeRequested(uint64 indexed subnet, address indexed account, uint256 amount, uint64 unlockBlock);
    event Withdrawn(uint64 indexed subnet, address indexed account, uint256 amount);
    /// @notice The first root of an epoch. recordDigest is the sha2-256
    /// digest of the record's root block (CIDv1, dag-cbor).
    event Anchored(uint64 indexed subnet, uint64 indexed epoch, bytes32 root, bytes32 recordDigest, address anchorer);
    /// @notice A later, different root for an epoch that already has one.
    /// It is recorded, never stored over the first.
    event Conflict(uint64 indexed subnet, uint64 indexed epoch, bytes32 anchored, bytes32 root, bytes32 recordDigest, address anchorer);

    error UnknownSubnet(uint64 subnet);
    error NotOwner(uint64 subnet, address caller);
    error InvalidTempo(uint32 tempo);
    error EmptyManifest();
    error InvalidPeerID(uint256 length);
    error InvalidUnstakeDelay(uint64 unstakeDelay);
    error StakeTooLow(uint256 stake, uint256 minStake);
    error AlreadyRegistered(uint64 subnet, address account, uint32 uid);
    error SubnetFull(uint64 subnet, uint32 maxNeurons);
    error NotRegistered(uint64 subnet, address account);
    error AnchorStakeTooLow(uint64 subnet, address account, uint256 anchorMinStake);
    error InsufficientStake(uint256 requested, uint256 stake);
    error NothingToWithdraw(uint64 subnet, address account);
    error StillLocked(uint64 unlockBlock, uint64 currentBlock);
    error EpochNotOver(uint64 subnet, uint64 epoch, uint64 currentEpoch);
    error ZeroRoot();
    error TransferFailed();

    uint256 private constant ACTIVE = 1 << 255;
    uint256 private constant MAY_ANCHOR = 1 << 254;
    uint256 private constant MAX_PEER_ID = 64;

    constructor() {
        deployBlock = uint64(block.number);
    }

    /// @notice Creates a subnet owned by the caller, whose epoch 0 starts
    /// at this block. Returns its id.
    function createSubnet(string calldata manifestCID, uint32 tempo, SubnetParams calldata params) external returns (uint64 id) {
        if (tempo == 0) revert InvalidTempo(tempo);
        if (bytes(manifestCID).length == 0) revert EmptyManifest();
        if (params.unstakeDelay > type(uint32).max) revert InvalidUnstakeDelay(params.unstakeDelay);
        id = subnetCount++;
        Subnet storage s = subnets[id];
        s.owner = msg.sender;
        s.tempo = tempo;
        s.start = uint64(block.number);
        s.params = params;
        s.manifestCID = manifestCID;
        emit SubnetCreated(id, msg.sender, manifestCID, tempo, uint64(block.number));
    }

    /// @notice Replaces a subnet's manifest. Only its owner may.
    function setManifest(uint64 subnet, string calldata manifestCID) external {
        Subnet storage s = existing(subnet);
        if (msg.sender != s.owner) revert NotOwner(subnet, msg.sender);
        if (bytes(manifestCID).length == 0) revert EmptyManifest();
        s.manifestCID = manifestCID;
        emit ManifestUpdated(subnet, manifestCID);
    }

    /// @notice Registers the caller in a subnet under a libp2p peer ID (at
    /// most 64 bytes), with the value sent as stake. A uid given up by an
    /// account that unstaked everything is reused before a new one.
    function register(uint64 subnet, bytes calldata peerID) external payable returns (uint32 uid) {
        Subnet storage s = existing(subnet);
        if (peerID.length == 0 || peerID.length > MAX_PEER_ID) revert InvalidPeerID(peerID.length);
        if (msg.value < s.params.minStake) revert StakeTooLow(msg.value, s.params.minStake);
        uint256 m = membership[subnet][msg.sender];
        if (m != 0) revert AlreadyRegistered(subnet, msg.sender, uint32(m >> 128));
        Neuron memory n = Neuron(msg.sender, peerID, msg.value, uint64(block.number), true);
        uint256 free = s.freeUids.length;
        if (free > 0) {
            uid = s.freeUids[free - 1];
            s.freeUids.pop();
            s.neurons[uid] = n;
        } else {
            if (s.params.maxNeurons != 0 && s.neurons.length >= s.params.maxNeurons) revert SubnetFull(subnet, s.params.maxNeurons);
            uid = uint32(s.neurons.length);
            s.neurons.push(n);
        }
        m = ACTIVE | (uint256(uid) << 128) | (uint256(s.tempo) << 64) | uint256(s.start);
        if (msg.value >= s.params.anchorMinStake) m |= MAY_ANCHOR;
        membership[subnet][msg.sender] = m;
        emit Registered(subnet, msg.sender, uid, peerID, msg.value);
    }

    /// @notice Adds the value sent to the caller's stake.
    function addStake(uint64 subnet) external payable {
        (Neuron storage n, uint256 m) = activeNeuron(subnet, msg.sender);
        n.stake += msg.value;
        setMayAnchor(subnet, msg.sender, m, n.stake);
        emit StakeAdded(subnet, msg.sender, msg.value, n.stake);
    }

    /// @notice Takes amount out of the caller's stake now; it can be
    /// withdrawn unstakeDelay blocks later. Every unstake moves the unlock
    /// block of everything the account has pending in the subnet.
    /// Unstaking everything (amount 0 for an account with no stake) ends
    /// the registration, and the uid goes to the next account that
    /// registers.
    function unstake(uint64 subnet, uint256 amount) external {
        (Neuron storage n, uint256 m) = activeNeuron(subnet, msg.sender);
        if (amount > n.stake || (amount == 0 && n.stake != 0)) revert InsufficientStake(amount, n.stake);
        n.stake -= amount;
        Subnet storage s = subnets[subnet];
        if (n.stake == 0) {
            n.active = false;
            delete membership[subnet][msg.sender];
            s.freeUids.push(uint32(m >> 128));
        } else {
            setMayAnchor(subnet, msg.sender, m, n.stake);
        }
        if (amount > 0) {
            Withdrawal storage w = withdrawals[subnet][msg.sender];
            w.amount += amount;
            w.unlockBlock = uint64(block.number) + s.params.unstakeDelay;
            emit UnstakeRequested(subnet, msg.sender, amount, w.unlockBlock);
        }
    }

    /// @notice Sends the caller what it unstaked, once unlocked.
    function withdraw(uint64 subnet) external {
        Withdrawal storage w = withdrawals[subnet][msg.sender];
        uint256 amount = w.amount;
        if (amount == 0) revert NothingToWithdraw(subnet, msg.sender);
        if (block.number < w.unlockBlock) revert StillLocked(w.unlockBlock, uint64(block.number));
        delete withdrawals[subnet][msg.sender];
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
        emit Withdrawn(subnet, msg.sender, amount);
    }

    /// @notice Anchors the commitment to an epoch's record. Only an account
    /// registered in the subnet with at least anchorMinStake may, and only
    /// once the epoch is over. The first root is stored; a different later
    /// one is reported as a Conflict and not stored; the same root again
    /// changes nothing. Whether an anchored record is honest is for its
    /// contents to show (the validators' attestations, the consensus
    /// anyone can recompute); a conflict is there for everyone to see.
    function anchor(uint64 subnet, uint64 epoch, bytes32 root, bytes32 recordDigest) external {
        uint256 m = membership[subnet][msg.sender];
        if (m & MAY_ANCHOR == 0) {
            if (m == 0) revert NotRegistered(subnet, msg.sender);
            revert AnchorStakeTooLow(subnet, msg.sender, subnets[subnet].params.anchorMinStake);
        }
        uint64 current = (uint64(block.number) - uint64(m)) / uint32(m >> 64);
        if (epoch >= current) revert EpochNotOver(subnet, epoch, current);
        if (root == 0) revert ZeroRoot();
        bytes32 anchored = anchors[subnet][epoch];
        if (anchored == 0) {
            anchors[subnet][epoch] = root;
            emit Anchored(subnet, epoch, root, recordDigest, msg.sender);
        } else if (anchored != root) {
            emit Conflict(subnet, epoch, anchored, root, recordDigest, msg.sender);
        }
    }

    /// @notice The root anchored for an epoch, or zero.
    function anchorOf(uint64 subnet, uint64 epoch) external view returns (bytes32) {
        return anchors[subnet][epoch];
    }

    /// @notice The epoch a subnet is in at the current block.
    function currentEpoch(uint64 subnet) external view returns (uint64) {
        Subnet storage s = existing(subnet);
        return (uint64(block.number) - s.start) / s.tempo;
    }

    /// @notice A subnet's settings and size.
    function subnetInfo(uint64 id) external view returns (SubnetInfo memory info) {
        Subnet storage s = existing(id);
        info = SubnetInfo(s.owner, s.manifestCID, s.tempo, s.start, s.params, uint32(s.neurons.length));
    }

    /// @notice The neurons of a subnet with uids from start, at most
    /// count of them: the metagraph's stake, a page at a time.
    function neuronsPage(uint64 subnet, uint32 start, uint32 count) external view returns (Neuron[] memory page) {
        Neuron[] storage all = existing(subnet).neurons;
        uint256 end = uint256(start) + count;
        if (end > all.length) end = all.length;
        if (start >= end) return page;
        page = new Neuron[](end - start);
        for (uint256 i = start; i < end; i++) {
            page[i - start] = all[i];
        }
    }

    /// @notice An account's uid, if it is registered.
    function uidOf(uint64 subnet, address account) external view returns (uint32 uid, bool registered) {
        uint256 m = membership[subnet][account];
        return (uint32(m >> 128), m != 0);
    }

    /// @notice What an account has unstaked and when it unlocks.
    function withdrawal(uint64 subnet, address account) external view returns (Withdrawal memory) {
        return withdrawals[subnet][account];
    }

    function existing(uint64 id) private view returns (Subnet storage s) {
        s = subnets[id];
        if (s.tempo == 0) revert UnknownSubnet(id);
    }

    function activeNeuron(uint64 subnet, address account) private view returns (Neuron storage n, uint256 m) {
        m = membership[subnet][account];
        if (m == 0) revert NotRegistered(subnet, account);
        n = existing(subnet).neurons[uint32(m >> 128)];
    }

    /// Sets or clears the right to anchor as the stake now allows.
    function setMayAnchor(uint64 subnet, address account, uint256 m, uint256 stake) private {
        uint256 want = stake >= subnets[subnet].params.anchorMinStake ? m | MAY_ANCHOR : m & ~MAY_ANCHOR;
        if (want != m) membership[subnet][account] = want;
    }
}
