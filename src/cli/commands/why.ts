import { defineCommand, type ArgsDef } from 'citty'
import { SkiffError } from '../../error/index.ts'
import { createExplainer, createPaint, findNodes, loadActualTree, readBooleanSetting, renderExplanation, type TreeNode } from '../../query/index.ts'
import { loadCommandConfig, npmFlags, printArgs } from '../command-context.ts'
import { shouldColor } from '../../ui/color.ts'

const whyArgs = {
  packages: { type: 'positional', required: false, description: 'a package name, name@range, or the folder of an installed package' },
  json: { type: 'boolean', description: 'print the explanations as JSON' },
  ...printArgs,
} satisfies ArgsDef

export default defineCommand({
  meta: { name: 'why', description: 'Explain why a package is installed: every path from the project to it, as `npm explain` does' },
  args: whyArgs,
  async run({ args, rawArgs }) {
    const wanted = args._.map(String)
    if (wanted.length === 0) throw new SkiffError('EUSAGE', 'name the package to explain', { hint: 'skiff why <name|name@range|node_modules/path>' })
    const config = await loadCommandConfig(npmFlags(rawArgs, whyArgs))
    const tree = await loadActualTree(config.projectDir, { legacyPeerDeps: config.legacyPeerDeps })
    const nodes = new Set<TreeNode>()
    for (const arg of wanted) for (const node of findNodes(tree, arg, { cwd: process.cwd() })) nodes.add(node)
    if (nodes.size === 0) {
      throw new SkiffError('ENOMATCH', `No dependencies found matching ${wanted.join(', ')}`, { hint: 'run `skiff ls --all` to see what is installed' })
    }
    const explainer = createExplainer(tree)
    const explanations = [...nodes].map((node) => explainer.explain(node))
    if (readBooleanSetting(args.json, config.raw.json)) {
      process.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`)
    } else {
      const paint = createPaint(shouldColor(args.color ?? config.raw.color, process.stdout.isTTY, process.env))
      process.stdout.write(`${explanations.map((explanation) => renderExplanation(explanation, paint)).join('\n\n')}\n`)
    }
    return 0
  },
})
