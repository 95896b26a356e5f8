import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'cdktf.out/**', 'jsii-dist/**', 'node_modules/**', '**/*.js', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // jsii APIs and raw Kubernetes/Terraform JSON are untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },
  {
    // lib/model and lib/launcher must load without cdk8s or cdktf (docs/design.md "Layers").
    files: ['lib/model/**/*.ts', 'lib/launcher/**/*.ts', 'lib/check/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['cdk8s', 'cdk8s-plus-28', 'cdk8s/*', 'cdktf', 'cdktf/*', '@cdktf/*', 'constructs'],
        message: 'lib/model, lib/launcher and lib/check stay free of cdk8s/cdktf.',
      }] }],
    },
  },
  {
    files: ['lib/vault/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: '@cdktf/provider-vault', message: 'use deep imports such as @cdktf/provider-vault/lib/mount' },
      ] }],
    },
  },
);
