// The PyTorch anchor for bench/gpu: the same architectures, random weights, batch and resolution, on CUDA.
// fp32 with TF32 off (what WebGPU computes: plain float32), then with TF32 on (PyTorch's fast default for
// convolutions), each timed with CUDA events after a warm-up. Prints one JSON object.

export const TORCH_GPU_SCRIPT = `
import sys, json, time, torch, torchvision
batch, rounds, size, models = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(',')
dev = 'cuda' if torch.cuda.is_available() else 'cpu'
torch.manual_seed(0)
builders = {'resnet50': lambda: torchvision.models.resnet50(weights=None),
            'vit_b_16': lambda: torchvision.models.vit_b_16(weights=None, image_size=size)}
def time_model(m, x):
    sync = torch.cuda.synchronize if dev == 'cuda' else (lambda: None)
    with torch.inference_mode():
        s = time.perf_counter(); m(x); sync()
        first = time.perf_counter() - s
        times = []
        for _ in range(rounds):
            if dev == 'cuda':
                a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                a.record(); m(x); b.record(); torch.cuda.synchronize(); times.append(a.elapsed_time(b) / 1000)
            else:
                s = time.perf_counter(); m(x); times.append(time.perf_counter() - s)
    times.sort(); med = times[len(times) // 2]
    return {'imgPerS': batch / med, 'medianBatchS': med, 'firstS': first}
out = {}
for name in models:
    m = builders[name]()
    if hasattr(m, 'fc'): m.fc = torch.nn.Identity()
    if hasattr(m, 'heads'): m.heads = torch.nn.Identity()
    m = m.eval().to(dev)
    x = torch.rand(batch, 3, size, size, device=dev)
    res = []
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32; torch.backends.cudnn.allow_tf32 = tf32
        r = time_model(m, x); r['model'] = name; r['tf32'] = tf32; res.append(r)
        if dev != 'cuda': break
    out[name] = res
name = torch.cuda.get_device_name(0) if dev == 'cuda' else 'CPU (no CUDA device)'
print(json.dumps({'device': name, 'torch': torch.__version__, 'timings': out}))
`;
