/**
 * cache-products: the copying step of the image_caching workflow (docs/cache-products.md). The
 * manager names every source and its name in the cache; each file is copied, verified (size and
 * sha256) and renamed into place, and the cache's manifest is rewritten.
 */
import { resolve } from 'node:path';
import { defineTool } from '../../shared/cli/run.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { cacheProducts, readCopyPlan } from '../../shared/cachecopy/run.js';


export const cacheProductsTool = defineTool({
  name: 'cache-products',
  summary: 'copy products into the image cache as the manager names them, verified by size and sha256',
  capoPrefixes: [],
  flags: {
    files: { type: 'string', describe: 'the files to cache: JSON [{"source": ABS_PATH, "name": NAME, "sha256"?: HEX}]' },
    destination: { type: 'string', describe: 'the cache directory the manager named (it must exist)' },
  },
  examples: [['$0 --files files.json --destination /lustre/.../cache/T10t01', 'copy what the manager listed']],

  async run(ctx, args) {
    if (!args.files || !args.destination) throw new UsageError('--files FILE and --destination DIR are required: what to cache, and where');
    const plan = readCopyPlan(resolve(args.files), args.destination);
    ctx.stage('copying', { destination: plan.destination, files: plan.files.length });
    const files = cacheProducts(plan, { file: (name, state, detail) => ctx.log.info({ file: name, state }, `${name}: ${state}${detail ? ` (${detail})` : ''}`) });
    ctx.emitResult({ destination: plan.destination, files });
    const copied = files.filter((f) => f.state === 'copied').length;
    ctx.report(`cache-products: ${copied} copied, ${files.length - copied} already cached, into ${plan.destination}; manifest rewritten.`);
    return ExitCode.OK;
  },
});
