import CMalloc

// MARK: Public interface

/// The two adjustments gfs makes to glibc's allocator for large JSON documents, which the
/// dashboard push and the sandbox share. Where the C library is not glibc both do nothing.
///
/// glibc makes its `M_MMAP_THRESHOLD` follow the size of the blocks freed (up to 32 MiB): once
/// a large dashboard's buffer is freed, the next ones of up to that size come from the heap,
/// where growing copies them and freed ones stay resident. A fixed threshold keeps blocks of
/// ``mmapThreshold`` and more mapped apart, returned to the system as soon as they are freed.
/// A value tree is many small blocks, though, freed in the middle of the heap, which glibc
/// keeps: ``returnFreedMemory()`` hands those pages back.
public enum MallocTuning {
    /// Blocks of this many bytes and more are mapped on their own once ``fixMmapThreshold()``
    /// ran: 1 MiB, well above the values of a dashboard and below its whole text.
    public static let mmapThreshold = 1 << 20

    /// Whether the process's allocator is glibc's, which these calls tune.
    public static var isAvailable: Bool { gfs_malloc_is_glibc() }

    /// Fixes the threshold at ``mmapThreshold``, once per process (later calls only answer);
    /// true when it is in effect.
    @discardableResult
    public static func fixMmapThreshold() -> Bool { fixed }

    /// Hands the allocator's free pages back to the system (`malloc_trim`), which costs a walk
    /// of its free lists: worth it after a large document was freed. True when glibc found
    /// free pages to return.
    @discardableResult
    public static func returnFreedMemory() -> Bool { gfs_malloc_trim() }

    // MARK: Implementation

    private static let fixed: Bool = gfs_malloc_set_mmap_threshold(Int32(mmapThreshold))
}
