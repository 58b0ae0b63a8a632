using System.Runtime.ExceptionServices;

namespace StaticNets.__Internals;

/// <summary>
/// Threads kept for <see cref="BatchRunner"/>'s passes. A pass is short (one segment of the layers over the batch, or a
/// dense layer's product: tens of microseconds on the small networks), and handing each to the thread pool
/// (<c>Parallel.For</c>) cost about as much as the pass: the autoencoder trained slower on two threads than on one.
/// Here the calling thread runs worker 0's share and each other worker is a thread of its own that spins between passes
/// (about 100 µs, then it sleeps until the next). Worker w takes the items w, w + workers, ... as before, so the work
/// of every item and every result are the same.
/// </summary>
/// <remarks>
/// One pass at a time: a pass that finds the workers busy (another thread's), that needs more workers than the machine
/// has processors (spinning threads would take the cores from the working ones) or more than <see cref="MaxWorkers"/>
/// returns false, and <see cref="BatchRunner"/> hands it to the thread pool as before.
/// </remarks>
internal static class Workers
{
    /// <summary>The most threads kept, the caller's included.</summary>
    private const int MaxWorkers = 64;

    private static readonly object s_create = new();
    private static int s_busy;
    private static Worker[] s_workers = [];

    /// <summary>Runs the pass on <paramref name="workers"/> workers, or returns false where it cannot (see the remarks).</summary>
    public static bool TryRun<TState>(int count, int workers, TState state, Action<TState, int> body)
    {
        if (workers > Environment.ProcessorCount || workers > MaxWorkers || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0) return false;
        try
        {
            Worker[] pool = Ensure(workers - 1);
            var job = Job<TState>.Shared;
            job.Set(count, workers, state, body);
            for (int w = 1; w < workers; w++) pool[w - 1].Start(job, w);
            job.RunSafely(0); // every worker finishes its share before any exception is thrown
            for (int w = 1; w < workers; w++) pool[w - 1].WaitDone();
            Exception? error = job.Error;
            job.Clear();
            if (error is not null) ExceptionDispatchInfo.Capture(error).Throw();
            return true;
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>At least <paramref name="count"/> worker threads, started on first need.</summary>
    private static Worker[] Ensure(int count)
    {
        Worker[] pool = s_workers;
        if (pool.Length >= count) return pool;
        lock (s_create)
        {
            if (s_workers.Length < count)
            {
                var grown = new Worker[count];
                Array.Copy(s_workers, grown, s_workers.Length);
                for (int i = s_workers.Length; i < count; i++) grown[i] = new Worker(i + 1);
                Volatile.Write(ref s_workers, grown);
            }
            return s_workers;
        }
    }

    /// <summary>A pass as the workers see it: each runs its share, and the first exception is kept.</summary>
    private abstract class Work
    {
        private Exception? _error;

        public Exception? Error => Volatile.Read(ref _error);

        public abstract void RunShare(int worker);

        /// <summary>Runs worker <paramref name="worker"/>'s share, keeping its exception.</summary>
        public void RunSafely(int worker)
        {
            try
            {
                RunShare(worker);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
        }

        protected void ResetError() => _error = null;
    }

    /// <summary>The pass of a state type, one object per type reused by every pass (one pass runs at a time).</summary>
    private sealed class Job<TState> : Work
    {
        public static readonly Job<TState> Shared = new();

        private TState _state = default!;
        private Action<TState, int>? _body;
        private int _count;
        private int _workers;

        public void Set(int count, int workers, TState state, Action<TState, int> body)
        {
            _count = count;
            _workers = workers;
            _state = state;
            _body = body;
            ResetError();
        }

        /// <summary>Drops the pass's references, so that nothing it used is kept alive between passes.</summary>
        public void Clear()
        {
            _state = default!;
            _body = null;
        }

        public override void RunShare(int worker)
        {
            for (int s = worker; s < _count; s += _workers) _body!(_state, s);
        }
    }

    /// <summary>A thread that runs one worker's share of each pass it is given.</summary>
    private sealed class Worker
    {
        /// <summary>Spins (each a short pause) before the thread sleeps until the next pass: about 100 µs.</summary>
        private const int Spins = 2000;

        private const int Idle = 0, Posted = 1, Done = 2;

        private readonly ManualResetEventSlim _wake = new(false, 0);
        private readonly int _index;
        private Work? _work;
        private int _state;
        private int _sleeping;

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"StaticNets worker {index}" };
            thread.Start();
        }

        /// <summary>Gives the worker its share of <paramref name="work"/>, waking it if it sleeps.</summary>
        public void Start(Work work, int worker)
        {
            if (worker != _index) throw new InvalidOperationException($"Worker {_index} was given share {worker}.");
            _work = work;
            Interlocked.Exchange(ref _state, Posted);
            if (Volatile.Read(ref _sleeping) != 0) _wake.Set();
        }

        /// <summary>Waits, spinning, until the worker has run its share.</summary>
        public void WaitDone()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _state) != Done) spin.SpinOnce(sleep1Threshold: -1);
            Volatile.Write(ref _state, Idle);
        }

        private void Loop()
        {
            while (true)
            {
                int spins = 0;
                while (Volatile.Read(ref _state) != Posted)
                {
                    if (++spins < Spins)
                    {
                        Thread.SpinWait(20);
                        continue;
                    }
                    _wake.Reset();
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _state) != Posted) _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    spins = 0;
                }
                Work work = _work!;
                _work = null;
                work.RunSafely(_index);
                Volatile.Write(ref _state, Done);
            }
        }
    }
}
