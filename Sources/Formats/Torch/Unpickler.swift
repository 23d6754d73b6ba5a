import Foundation

/// A restricted unpickler for the pickles torch.save writes (protocols 2–5): it builds plain
/// values, containers, tensors and inert object records, and refuses any global outside
/// `TorchGlobal.role`'s allow-list at the moment the pickle names it. Nothing is ever imported or
/// called. Every opcode consumes at least one byte and every length, memo index and stack access
/// is checked, so any input reads or throws in time linear in its length.
struct Unpickler {
    private let bytes: [UInt8]
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var nodes: [PickleNode] = []
    /// Resolves a persistent id (torch.save's `('storage', type, key, location, count)`).
    private let persistent: (PickleValue, [PickleNode]) throws(TorchError) -> PickleValue

    /// Longest text line (GLOBAL's module and name) read.
    static let maxLine = 4096
    /// Container elements and tensor elements built so far, and the most the stream may build:
    /// a few times its length (REDUCE of `set` or `OrderedDict` copies a list, a tensor copies
    /// its storage, and a pickle may repeat either for a few bytes each; without a budget a small
    /// file could ask for unbounded work).
    private var built = 0
    private var budget: Int { 4 * bytes.count + (1 << 20) }
    private var tensorBudget: Int { 4 * archiveBytes + (1 << 20) }
    private var tensorElements = 0
    /// The length of the whole archive (the storages' bytes bound the tensors' elements).
    private let archiveBytes: Int

    init(
        _ bytes: [UInt8], archiveBytes: Int = 0,
        persistent: @escaping (PickleValue, [PickleNode]) throws(TorchError) -> PickleValue
    ) {
        self.bytes = bytes
        self.archiveBytes = archiveBytes
        self.persistent = persistent
    }

    /// Counts `count` more elements built, refusing a stream that builds far more than its length.
    private mutating func spend(_ count: Int) throws(TorchError) {
        built += count
        guard built <= budget else { throw .badPickle("the pickle builds more than \(budget) elements") }
    }

    /// Runs the stream to its STOP.
    mutating func load() throws(TorchError) -> Pickle {
        while true {
            let opcode = try byte()
            if opcode == 0x2E {  // STOP
                guard let root = stack.popLast() else { throw .badPickle("STOP with an empty stack") }
                return Pickle(root: root, nodes: nodes)
            }
            try step(opcode)
        }
    }

    // MARK: reading bytes

    private mutating func take(_ count: Int) throws(TorchError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else {
            throw .badPickle("\(count) bytes needed at offset \(position), \(bytes.count - position) left")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func byte() throws(TorchError) -> UInt8 { try take(1).first! }

    private mutating func unsigned(_ count: Int) throws(TorchError) -> UInt64 {
        try take(count).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A length field as a non-negative Int (never more than the stream holds, checked by `take`).
    private mutating func length(_ count: Int) throws(TorchError) -> Int {
        let value = try unsigned(count)
        guard value <= UInt64(bytes.count) else { throw .badPickle("length \(value) exceeds the pickle's \(bytes.count) bytes") }
        return Int(value)
    }

    private mutating func line() throws(TorchError) -> String {
        let end = bytes[position...].prefix(Self.maxLine).firstIndex(of: 0x0A)
        guard let end else { throw .badPickle("a text line is unterminated or longer than \(Self.maxLine) bytes") }
        let text = try take(end - position)
        position += 1
        guard let string = String(bytes: text, encoding: .utf8) else { throw .badPickle("a text line is not UTF-8") }
        return string
    }

    private mutating func utf8(_ count: Int) throws(TorchError) -> String {
        guard let string = String(bytes: try take(count), encoding: .utf8) else { throw .badPickle("a string is not UTF-8") }
        return string
    }

    // MARK: the stack

    private mutating func push(_ value: PickleValue) { stack.append(value) }

    private mutating func pop() throws(TorchError) -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else {
            throw .badPickle("pop from an empty stack (or past a mark) at offset \(position)")
        }
        return value
    }

    private func top() throws(TorchError) -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.last else {
            throw .badPickle("the stack is empty at offset \(position)")
        }
        return value
    }

    /// The values above the latest mark, removed with the mark.
    private mutating func popMark() throws(TorchError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw .badPickle("no mark at offset \(position)") }
        let values = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return values
    }

    private mutating func newNode(_ kind: PickleNode.Kind, _ items: [PickleValue] = []) throws(TorchError) -> PickleValue {
        try spend(1 + items.count)
        nodes.append(PickleNode(kind: kind, items: items))
        return .node(nodes.count - 1)
    }

    /// The node index of the stack's top if it is a node of one of `kinds`.
    private func topNode(_ what: String, _ accepts: (PickleNode.Kind) -> Bool) throws(TorchError) -> Int {
        guard case .node(let index) = try top(), accepts(nodes[index].kind) else {
            throw .badPickle("\(what) on something that is not one, at offset \(position)")
        }
        return index
    }

    private mutating func memoize(_ index: Int) throws(TorchError) { memo[index] = try top() }

    private func recall(_ index: Int) throws(TorchError) -> PickleValue {
        guard let value = memo[index] else { throw .badPickle("memo entry \(index) was never stored") }
        return value
    }

    private func global(_ module: String, _ name: String) throws(TorchError) -> PickleValue {
        let global = TorchGlobal(module: module, name: name)
        guard global.role != nil else { throw .refused(global.description) }
        return .global(global)
    }

    // MARK: opcodes

    private mutating func step(_ opcode: UInt8) throws(TorchError) {
        switch opcode {
        case 0x80:  // PROTO
            let version = try byte()
            guard version >= 2, version <= 5 else { throw .badPickle("pickle protocol \(version) (2 to 5 are read)") }
        case 0x95: _ = try take(8)  // FRAME: a hint only
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: push(try top())  // DUP
        case 0x4E: push(.none)  // NONE
        case 0x88: push(.bool(true))  // NEWTRUE
        case 0x89: push(.bool(false))  // NEWFALSE
        case 0x4A: push(.int(Int(Int32(bitPattern: UInt32(try unsigned(4))))))  // BININT
        case 0x4B: push(.int(Int(try byte())))  // BININT1
        case 0x4D: push(.int(Int(try unsigned(2))))  // BININT2
        case 0x8A: push(.int(try long(Int(try byte()))))  // LONG1
        case 0x8B: push(.int(try long(try length(4))))  // LONG4
        case 0x47:  // BINFLOAT (big-endian)
            push(.float(Double(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
        case 0x58: push(.string(try utf8(try length(4))))  // BINUNICODE
        case 0x8C: push(.string(try utf8(Int(try byte()))))  // SHORT_BINUNICODE
        case 0x8D: push(.string(try utf8(try length(8))))  // BINUNICODE8
        case 0x54: push(.string(String(decoding: try take(try length(4)), as: UTF8.self)))  // BINSTRING
        case 0x55: push(.string(String(decoding: try take(Int(try byte())), as: UTF8.self)))  // SHORT_BINSTRING
        case 0x42: push(.bytes(Array(try take(try length(4)))))  // BINBYTES
        case 0x43: push(.bytes(Array(try take(Int(try byte())))))  // SHORT_BINBYTES
        case 0x8E, 0x96: push(.bytes(Array(try take(try length(8)))))  // BINBYTES8, BYTEARRAY8
        case 0x5D: push(try newNode(.list))  // EMPTY_LIST
        case 0x6C: push(try newNode(.list, try popMark()))  // LIST
        case 0x29: push(try newNode(.tuple))  // EMPTY_TUPLE
        case 0x74: push(try newNode(.tuple, try popMark()))  // TUPLE
        case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
            var items: [PickleValue] = []
            for _ in 0..<Int(opcode - 0x84) { items.insert(try pop(), at: 0) }
            push(try newNode(.tuple, items))
        case 0x7D: push(try newNode(.dict))  // EMPTY_DICT
        case 0x64:  // DICT
            let items = try popMark()
            guard items.count % 2 == 0 else { throw .badPickle("DICT with an odd number of items") }
            push(try newNode(.dict, items))
        case 0x8F: push(try newNode(.set))  // EMPTY_SET
        case 0x91: push(try newNode(.set, try popMark()))  // FROZENSET
        case 0x61:  // APPEND
            let value = try pop()
            nodes[try topNode("APPEND", { $0 == .list })].items.append(value)
        case 0x65:  // APPENDS
            let values = try popMark()
            nodes[try topNode("APPENDS", { $0 == .list })].items += values
        case 0x73:  // SETITEM
            let value = try pop()
            let key = try pop()
            nodes[try topNode("SETITEM", { $0 == .dict })].items += [key, value]
        case 0x75:  // SETITEMS
            let items = try popMark()
            guard items.count % 2 == 0 else { throw .badPickle("SETITEMS with an odd number of items") }
            nodes[try topNode("SETITEMS", { $0 == .dict })].items += items
        case 0x90:  // ADDITEMS
            let values = try popMark()
            nodes[try topNode("ADDITEMS", { $0 == .set })].items += values
        case 0x63:  // GLOBAL
            let module = try line()
            push(try global(module, try line()))
        case 0x93:  // STACK_GLOBAL
            guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                throw .badPickle("STACK_GLOBAL needs two strings")
            }
            push(try global(module, name))
        case 0x71: try memoize(Int(try byte()))  // BINPUT
        case 0x72: try memoize(Int(try unsigned(4)))  // LONG_BINPUT
        case 0x94: try memoize(memo.count)  // MEMOIZE
        case 0x68: push(try recall(Int(try byte())))  // BINGET
        case 0x6A: push(try recall(Int(try unsigned(4))))  // LONG_BINGET
        case 0x51:  // BINPERSID
            let id = try pop()
            push(try persistent(id, nodes))
        case 0x52:  // REDUCE
            let arguments = try pop()
            let callable = try pop()
            push(try reduce(callable, arguments))
        case 0x81:  // NEWOBJ
            let arguments = try pop()
            push(try instance(of: try pop(), arguments))
        case 0x92:  // NEWOBJ_EX
            _ = try pop()
            let arguments = try pop()
            push(try instance(of: try pop(), arguments))
        case 0x62:  // BUILD
            let state = try pop()
            switch try top() {
            case .node(let index):
                switch nodes[index].kind {
                case .object, .dict: nodes[index].state = state  // a state dict's `_metadata`, say
                case .tuple, .list, .set: throw .badPickle("BUILD on a tuple, list or set")
                }
            case .tensor: break  // a parameter's Python attributes: nothing a weight needs
            case .none, .bool, .int, .float, .string, .bytes, .global, .storage:
                throw .badPickle("BUILD on a plain value")
            }
        default:
            let printable = (0x21...0x7E).contains(opcode) ? " '\(Character(Unicode.Scalar(opcode)))'" : ""
            throw .badPickle(
                String(format: "unsupported opcode 0x%02X", opcode) + printable + " at offset \(position - 1)")
        }
    }

    /// A little-endian two's-complement integer of `count` bytes (at most 8).
    private mutating func long(_ count: Int) throws(TorchError) -> Int {
        guard count <= 8 else { throw .badPickle("an integer of \(count) bytes is too large") }
        guard count > 0 else { return 0 }
        let value = try unsigned(count)
        let shift = UInt64(64 - 8 * count)
        return Int(Int64(bitPattern: value << shift) >> Int64(shift))
    }

    private func tupleItems(_ value: PickleValue, _ what: String) throws(TorchError) -> [PickleValue] {
        guard case .node(let index) = value, nodes[index].kind == .tuple else {
            throw .badPickle("\(what) needs a tuple of arguments")
        }
        return nodes[index].items
    }

    private func integers(_ value: PickleValue, _ what: String) throws(TorchError) -> [Int] {
        let items = try tupleItems(value, what)
        var result: [Int] = []
        for item in items {
            guard case .int(let n) = item else { throw .badPickle("\(what) holds a non-integer") }
            result.append(n)
        }
        return result
    }

    /// REDUCE: what the allow-listed callable would have returned, worked out without calling it.
    private mutating func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws(TorchError) -> PickleValue {
        guard case .global(let global) = callable, let role = global.role else {
            throw .badPickle("REDUCE of something that is not an allowed global")
        }
        let args = try tupleItems(arguments, global.description)
        switch role {
        case .rebuildTensor:
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1] else {
                throw .badPickle("\(global) needs (storage, offset, size, stride, …)")
            }
            let shape = try integers(args[2], "a tensor size")
            let strides = try integers(args[3], "a tensor stride")
            let tensor = try TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides)
            tensorElements += tensor.values?.count ?? 0
            guard tensorElements <= tensorBudget else {
                throw .badPickle("the tensors hold more than \(tensorBudget) elements, far more than the file's storages")
            }
            return .tensor(tensor)
        case .rebuildParameter:
            guard let first = args.first, case .tensor = first else { throw .badPickle("\(global) needs a tensor") }
            return first
        case .orderedDict:
            let node = try newNode(.dict)
            guard let pairs = args.first else { return node }
            guard case .node(let list) = pairs, [.list, .tuple].contains(nodes[list].kind) else {
                throw .badPickle("OrderedDict of something that is not a list of pairs")
            }
            guard case .node(let dict) = node else { return node }
            for pair in nodes[list].items {
                let items = try tupleItems(pair, "an OrderedDict pair")
                guard items.count == 2 else { throw .badPickle("an OrderedDict pair of \(items.count) items") }
                try spend(2)
                nodes[dict].items += items
            }
            return node
        case .set:
            guard let items = args.first else { return try newNode(.set) }
            guard case .node(let list) = items, [.list, .tuple, .set].contains(nodes[list].kind) else {
                throw .badPickle("set of something that is not a list")
            }
            return try newNode(.set, nodes[list].items)
        case .reconstructor:
            guard let type = args.first else { throw .badPickle("copyreg._reconstructor needs a class") }
            return try instance(of: type, .none)
        case .size:
            guard let items = args.first else { return try newNode(.tuple) }
            _ = try integers(items, "torch.Size")
            return items
        case .device:
            return try newNode(.object(global), args)
        case .encode:
            guard case .string(let text) = args.first else { throw .badPickle("_codecs.encode needs a string") }
            let scalars = text.unicodeScalars
            guard scalars.allSatisfy({ $0.value < 256 }) else { throw .badPickle("_codecs.encode of non-Latin-1 text") }
            return .bytes(scalars.map { UInt8($0.value) })
        case .object, .storageType, .dtype, .moduleClass, .function:
            throw .unsupported("the pickle calls \(global), which this reader does not construct")
        }
    }

    /// NEWOBJ / _reconstructor: an inert record of an instance of an allowed class.
    private mutating func instance(of type: PickleValue, _ arguments: PickleValue) throws(TorchError) -> PickleValue {
        guard case .global(let global) = type, let role = global.role else {
            throw .badPickle("an instance of something that is not an allowed class")
        }
        switch role {
        case .moduleClass, .object:
            let args = arguments == .none ? [] : try tupleItems(arguments, global.description)
            return try newNode(.object(global), args)
        case .orderedDict: return try newNode(.dict)
        case .set: return try newNode(.set)
        case .rebuildTensor, .rebuildParameter, .reconstructor, .size, .device, .encode, .storageType, .dtype, .function:
            throw .unsupported("the pickle instantiates \(global), which this reader does not construct")
        }
    }
}
