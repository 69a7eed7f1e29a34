#!/usr/bin/env node
// The executable notation runs as `notation-com.example.notary <command>` (PLG-4).
import { runPlugin } from '@x/notary-plugin/node';
import { createNodeExamplePlugin } from './index.js';

void runPlugin(createNodeExamplePlugin());
