import GFSAllocator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What glibc does differently once ``MallocTuning`` ran, read back from the allocator and the
/// kernel: neither check passes unless the glibc call behind it was made.
@Suite(.enabled(if: MallocTuning.isAvailable, "The C library is not glibc: both calls do nothing."))
struct MallocTuningTests {
    #if canImport(Glibc)
        /// glibc raises its mapping threshold to the size of a mapped block when it is freed, so
        /// without a fixed threshold a 2 MiB block after a freed 8 MiB one comes from the heap.
        @Test func aFreedLargeBlockLeavesTheThresholdWhereItWasFixed() throws {
            #expect(MallocTuning.fixMmapThreshold())
            free(malloc(8 << 20))
            // glibc maps a block only when no free chunk of its heap fits it, and the tests
            // running beside this one leave free chunks behind: take 2 MiB blocks until one
            // comes from the system. With the threshold raised to 8 MiB, none of them would be
            // mapped: the heap would grow for each.
            var taken: [UnsafeMutableRawPointer] = []
            defer { taken.forEach { free($0) } }
            while taken.count < 256, !(taken.last.map(Self.isMapped) ?? false) {
                taken.append(try #require(malloc(2 << 20)))
            }
            #expect(taken.last.map(Self.isMapped) == true, "none of \(taken.count) blocks of 2 MiB was mapped")
            let small = try #require(malloc(MallocTuning.mmapThreshold / 2))
            defer { free(small) }
            #expect(!Self.isMapped(small))
        }

        /// A block freed below a live one stays resident (only the top of the heap is returned
        /// by `free`); handing freed memory back releases its pages.
        @Test func returningFreedMemoryReleasesAFreedBlocksPages() throws {
            // Below the threshold, so the blocks come from the heap.
            MallocTuning.fixMmapThreshold()
            let size = 512 << 10
            var freed: UnsafeMutableRawPointer?
            var kept: [UnsafeMutableRawPointer] = []
            defer { kept.forEach { free($0) } }
            // A block with a live one above it, so freeing it does not shrink the heap's top.
            for _ in 0..<8 {
                let block = try #require(malloc(size))
                let above = try #require(malloc(size))
                kept.append(above)
                if above > block {
                    freed = block
                    break
                }
                kept.append(block)
            }
            let block = try #require(freed, "no heap block with a live one above it")
            memset(block, 1, size)
            let page = Self.pageInside(block, size: size)
            free(block)
            try #require(Self.isResident(page), "freeing the block returned its pages already")
            #expect(MallocTuning.returnFreedMemory())
            #expect(!Self.isResident(page))
        }

        /// glibc's `malloc/malloc.c`: the size field just before a block's memory has bit 2
        /// (`IS_MMAPPED`) set when the block is a mapping of its own.
        static func isMapped(_ block: UnsafeMutableRawPointer) -> Bool {
            let size = block.load(fromByteOffset: -MemoryLayout<Int>.size, as: UInt.self)
            return size & 2 != 0
        }

        /// A page-aligned address in the middle of a block, away from the allocator's headers.
        static func pageInside(_ block: UnsafeMutableRawPointer, size: Int) -> UnsafeMutableRawPointer {
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let middle = Int(bitPattern: block) + size / 2
            return UnsafeMutableRawPointer(bitPattern: middle & ~(pageSize - 1))!
        }

        /// Whether the kernel holds the page in memory (`mincore`).
        static func isResident(_ page: UnsafeMutableRawPointer) -> Bool {
            var state: UInt8 = 0
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard mincore(page, pageSize, &state) == 0 else { return true }
            return state & 1 != 0
        }
    #endif
}
