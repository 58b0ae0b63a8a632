namespace StaticNets.Tests.Support;

/// <summary>Bytes a piece of code allocates per call, measured on the calling thread.</summary>
internal static class Allocations
{
    /// <summary>
    /// The fewest bytes <paramref name="action"/> allocated in any of <paramref name="windows"/> windows of
    /// <paramref name="calls"/> calls each, after one call to warm up. A real allocation per call shows in every
    /// window; what the runtime itself may allocate once on this thread while the tests run in parallel (a method
    /// tiered up or compiled on stack replacement because another test called it too) shows in one window at most.
    /// </summary>
    public static long Fewest(Action action, int calls = 20, int windows = 5)
    {
        action();
        long fewest = long.MaxValue;
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) action();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
