import { packageBuild } from '../../tsup.shared.ts';

export default packageBuild({ node: true, entries: { foundation: 'src/foundation.ts' } });
